"""Custom fields: typed fields a company adds to its entities without changing code.

A :class:`CustomFieldRegistry` declares the fields of each entity type ("partner", "deal",
...). Entities keep their values in ``custom: Mapping[str, CustomValue]``; services check them
against the registry with :meth:`CustomFieldRegistry.validate`, which reports every problem,
each under the path ``custom.<name>``.

>>> registry = CustomFieldRegistry().with_field(
...     "partner", CustomField(name="car_brand", type=CustomFieldType.CHOICE,
...                            choices=("Audi", "BMW")))
>>> registry.validate("partner", {"car_brand": "Audi"})
{'car_brand': 'Audi'}
>>> try:
...     registry.validate("partner", {"car_brand": "Lada", "colour": "red"})
... except DomainValidationError as error:
...     print(*error.violations, sep="\\n")
custom.car_brand: must be one of 'Audi', 'BMW' (got 'Lada')
custom.colour: is not a custom field of partner (got 'red')
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final, TypeAlias

import attrs

from crmcore.errors import DomainValidationError, Violation, shown
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.validation import (
    MAX_INTEGER,
    MAX_TEXT,
    FrozenMap,
    Model,
    bounded_text,
    checks,
    each,
    finite_decimal,
    freeze,
    instance_of,
    invariant,
    optional,
    payload_violations,
    plain_date,
    raise_violations,
    unique,
)

__all__ = [
    "CustomField",
    "CustomFieldRegistry",
    "CustomFieldType",
    "CustomValue",
    "custom_values",
]

CustomValue: TypeAlias = str | int | bool | Decimal | Money | date | EntityRef
"""What a custom field may hold; which one is fixed by the field's :class:`CustomFieldType`."""

_NAME: Final = re.compile(r"\A[a-z][a-z0-9_]{0,63}\Z")
# What no store keeps: half of a UTF-16 pair on its own, and NUL (PostgreSQL refuses it).
_UNSTORABLE: Final = re.compile(r"[\x00\ud800-\udfff]")


class CustomFieldType(enum.Enum):
    """The type of a custom field and so of its values."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    REFERENCE = "reference"


def _field_name(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not _NAME.match(value):
        yield Violation(
            field=field,
            message="must be 1-64 lowercase letters, digits or _, starting with a letter",
            value=value,
        )


def _is_custom_value(value: object) -> bool:
    """Whether ``value`` is of a custom value type and within what every store can keep."""
    if isinstance(value, bool | Money | EntityRef):
        return True
    if isinstance(value, str):
        return len(value) <= MAX_TEXT and not _UNSTORABLE.search(value)
    if isinstance(value, int):
        return -MAX_INTEGER <= value <= MAX_INTEGER
    if isinstance(value, Decimal):
        return not list(finite_decimal("", value))
    if isinstance(value, date):
        return not isinstance(value, datetime) and not list(plain_date("", value))
    return False


_CUSTOM_VALUE: Final = (
    "must be str (without NUL or lone surrogates), int (within 2**63-1), bool, Decimal (below"
    " 10**18), Money, date (1900-2999) or EntityRef"
)


def custom_values(field: str, value: object) -> Iterator[Violation]:
    """Check for a model's ``custom`` mapping: valid names, values of the allowed types."""
    if not isinstance(value, Mapping):
        yield Violation(field=field, message="must be a mapping", value=value)
        return
    for name, item in value.items():
        yield from _field_name(field, name)
        if not _is_custom_value(item):
            yield Violation(field=f"{field}.{name}", message=_CUSTOM_VALUE, value=item)


@attrs.frozen(kw_only=True)
class CustomField(Model):
    """The declaration of one custom field of an entity type."""

    name: str = attrs.field(metadata=checks(_field_name))
    type: CustomFieldType
    label: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(200))))
    required: bool = False
    choices: tuple[str, ...] = attrs.field(
        default=(), metadata=checks(each(bounded_text(200)), unique(lambda c: c, what="choice"))
    )
    max_length: int = 1000
    reference_to: str | None = attrs.field(
        default=None, metadata=checks(optional(bounded_text(64)))
    )
    minimum: Decimal | None = attrs.field(default=None, metadata=checks(optional(finite_decimal)))
    maximum: Decimal | None = attrs.field(default=None, metadata=checks(optional(finite_decimal)))

    @invariant("type", "choices", "reference_to", "max_length", "minimum", "maximum")
    def _type_settings(self) -> Iterator[Violation]:
        if not isinstance(self.type, CustomFieldType):
            yield Violation(field="type", message="must be a CustomFieldType", value=self.type)
        if self.type is CustomFieldType.CHOICE and not self.choices:
            yield Violation(field="choices", message="a choice field needs at least one choice")
        if self.type is CustomFieldType.REFERENCE and self.reference_to is None:
            yield Violation(field="reference_to", message="a reference field needs an entity type")
        if (
            isinstance(self.max_length, bool)
            or not isinstance(self.max_length, int)
            or not (1 <= self.max_length <= 100_000)
        ):
            yield Violation(field="max_length", message="must be 1..100000", value=self.max_length)
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            yield Violation(field="maximum", message="must not be below minimum")

    def problems(self, value: object) -> Iterator[str]:
        """What is wrong with ``value`` for this field (nothing when it fits)."""
        expected = _EXPECTED[self.type]
        if isinstance(value, bool) is not (self.type is CustomFieldType.BOOLEAN) or not (
            isinstance(value, expected) and not _is_datetime_for_date(self.type, value)
        ):
            yield f"must be {self.type.value} ({expected.__name__})"
            return
        found = list(_RANGE_CHECKS[self.type](self, value))
        if not found and not _is_custom_value(value):
            found.append(_CUSTOM_VALUE)
        yield from found


def _is_datetime_for_date(kind: CustomFieldType, value: object) -> bool:
    return kind is CustomFieldType.DATE and isinstance(value, datetime)


def _no_checks(_field: CustomField, _value: object) -> Iterator[str]:
    return iter(())


def _text_checks(field: CustomField, value: object) -> Iterator[str]:
    assert isinstance(value, str)
    if len(value) > field.max_length:
        yield f"must be at most {field.max_length} characters"


def _number_checks(field: CustomField, value: object) -> Iterator[str]:
    assert isinstance(value, int | Decimal)
    if isinstance(value, Decimal) and not value.is_finite():
        yield "must be finite"
        return
    if field.minimum is not None and value < field.minimum:
        yield f"must be at least {field.minimum}"
    if field.maximum is not None and value > field.maximum:
        yield f"must be at most {field.maximum}"


def _choice_checks(field: CustomField, value: object) -> Iterator[str]:
    if value not in field.choices:
        yield "must be one of " + ", ".join(repr(c) for c in field.choices)


def _reference_checks(field: CustomField, value: object) -> Iterator[str]:
    assert isinstance(value, EntityRef)
    if value.entity_type != field.reference_to:
        yield f"must refer to a {field.reference_to}"


_EXPECTED: Final[dict[CustomFieldType, type]] = {
    CustomFieldType.TEXT: str,
    CustomFieldType.INTEGER: int,
    CustomFieldType.DECIMAL: Decimal,
    CustomFieldType.MONEY: Money,
    CustomFieldType.DATE: date,
    CustomFieldType.BOOLEAN: bool,
    CustomFieldType.CHOICE: str,
    CustomFieldType.REFERENCE: EntityRef,
}
_RANGE_CHECKS: Final = {
    CustomFieldType.TEXT: _text_checks,
    CustomFieldType.INTEGER: _number_checks,
    CustomFieldType.DECIMAL: _number_checks,
    CustomFieldType.MONEY: _no_checks,
    CustomFieldType.DATE: _no_checks,
    CustomFieldType.BOOLEAN: _no_checks,
    CustomFieldType.CHOICE: _choice_checks,
    CustomFieldType.REFERENCE: _reference_checks,
}


def _registry_fields(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, Mapping):
        yield Violation(field=field, message="must map entity types to custom fields")
        return
    for entity_type, declared in value.items():
        yield from each(instance_of(CustomField))(f"{field}.{entity_type}", declared)
        yield from unique(lambda f: f.name, what="field name")(f"{field}.{entity_type}", declared)


@attrs.frozen(kw_only=True)
class CustomFieldRegistry(Model):
    """The custom fields of each entity type. Immutable: :meth:`with_field` returns a new one."""

    fields: Mapping[str, tuple[CustomField, ...]] = attrs.field(
        factory=FrozenMap, converter=freeze, metadata=checks(_registry_fields)
    )

    def with_field(self, entity_type: str, field: CustomField) -> CustomFieldRegistry:
        """A registry that also declares ``field`` on ``entity_type``."""
        declared = self.fields.get(entity_type, ())
        if any(f.name == field.name for f in declared):
            raise DomainValidationError.single(
                f"fields.{entity_type}",
                f"custom field {field.name!r} is declared already",
                value=field.name,
            )
        return CustomFieldRegistry(fields={**self.fields, entity_type: (*declared, field)})

    def fields_for(self, entity_type: str) -> tuple[CustomField, ...]:
        """The fields declared on ``entity_type`` (none if it has no custom fields)."""
        return self.fields.get(entity_type, ())

    def validate(
        self, entity_type: str, values: Mapping[str, object], *, prefix: str = "custom"
    ) -> dict[str, CustomValue]:
        """``values`` checked against the declarations of ``entity_type``.

        Reports every unknown field, wrong type, value out of range and missing required field
        at once, each under ``prefix.<name>``.
        """
        declared = {f.name: f for f in self.fields_for(entity_type)}
        raise_violations(_mapping_violations(values, prefix))
        violations: list[Violation] = []

        def path(name: object) -> str:
            step = name if isinstance(name, str) else shown(name)
            return f"{prefix}.{step}" if prefix else step

        for name, value in values.items():
            spec = declared.get(name)
            if spec is None:
                message = f"is not a custom field of {entity_type}"
                violations.append(Violation(field=path(name), message=message, value=value))
                continue
            violations.extend(
                Violation(field=path(name), message=problem, value=value)
                for problem in spec.problems(value)
            )
        violations.extend(
            Violation(field=path(name), message="is required")
            for name, spec in declared.items()
            if spec.required and values.get(name) is None
        )
        if violations:
            raise DomainValidationError(violations)
        return dict(values)  # type: ignore[arg-type]


def _mapping_violations(values: object, prefix: str) -> list[Violation]:
    """What keeps ``values`` from being read as custom values at all: not a mapping, or
    beyond the kernel's input limits."""
    if not isinstance(values, Mapping):
        return [Violation(field=prefix or "custom", message="must be a mapping", value=values)]
    return payload_violations(values, prefix or "custom")
