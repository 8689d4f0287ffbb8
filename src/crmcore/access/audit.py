"""The audit trail's records: who changed which record, when, through which command, and
each field before and after.

The values are kept in their JSON form (as :func:`crmcore.serialization.make_converter`
writes them), so that an entry reads the same whatever the record's class becomes later.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

import attrs

from crmcore.errors import Violation
from crmcore.serialization import Converter, make_converter
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    each,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
)

__all__ = ["AuditEntry", "FieldChange", "field_changes", "part_change"]

_UNAUDITED: Final = frozenset({"version"})


@attrs.frozen(kw_only=True)
class FieldChange:
    """One field of a record before and after a change, in JSON form (``before`` is
    ``None`` for a new record). Built by :func:`field_changes` from a record's own field
    names, so it checks nothing itself: a record's change is recorded at its cost."""

    field: str
    before: object = None
    after: object = None


@attrs.frozen(kw_only=True)
class AuditEntry(Model):
    """One stored change of one record: who made it (``actor``) at ``at``, through which
    ``command`` (and, for a rule's change, which ``rule_id``), and the fields it changed;
    ``version`` is the record's version after the change."""

    id: str = attrs.field(metadata=checks(identifier))
    at: datetime = attrs.field(metadata=checks(aware_datetime))
    actor: str = attrs.field(metadata=checks(identifier))
    command: str = attrs.field(metadata=checks(bounded_text(100)))
    rule_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    entity_type: str = attrs.field(metadata=checks(identifier))
    entity_id: str = attrs.field(metadata=checks(identifier))
    version: int = attrs.field(metadata=checks(non_negative_int))
    changes: tuple[FieldChange, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(FieldChange)))
    )

    @invariant("changes")
    def _each_field_once(self) -> Iterator[Violation]:
        names = [change.field for change in self.changes]
        if len(set(names)) != len(names):
            yield Violation(field="changes", message="names a field twice")

    def change(self, field: str) -> FieldChange | None:
        """The change of ``field``, if the entry changed it."""
        return next((change for change in self.changes if change.field == field), None)


def part_change(field: str, before: object, after: object) -> FieldChange:
    """The change of a part a record holds in a store of its own (a partner's relationship, a
    product's price or stock), under the ``field`` name it has in the record's history:
    ``before`` and ``after`` in JSON form, ``None`` where the part is new or removed.

    >>> from decimal import Decimal
    >>> part_change("stock.msk", Decimal("3"), Decimal("12"))
    FieldChange(field='stock.msk', before='3', after='12')
    """
    converter = _converter()
    return FieldChange(
        field=field,
        before=None if before is None else converter.unstructure(before),
        after=None if after is None else converter.unstructure(after),
    )


@functools.cache
def _converter() -> Converter:
    return make_converter()


_FIELDS: Final[dict[type, tuple[tuple[str, Any, object], ...]]] = {}
_NO_DEFAULT: Final = object()


def _default(field: attrs.Attribute[Any]) -> object:
    default: Any = field.default
    if default is attrs.NOTHING or getattr(default, "takes_self", False):
        return _NO_DEFAULT
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


def _fields(model: type) -> tuple[tuple[str, Any, object], ...]:
    """The audited fields of ``model``: name, declared type and default (read once)."""
    found = _FIELDS.get(model)
    if found is None:
        resolved = attrs.resolve_types(model)
        found = tuple(
            (field.name, field.type, _default(field))
            for field in attrs.fields(resolved)
            if field.name not in _UNAUDITED
        )
        _FIELDS[model] = found
    return found


def field_changes(before: Any, after: Any) -> tuple[FieldChange, ...]:
    """The fields that differ between two versions of a record (for a new record, when
    ``before`` is ``None``: the fields not at their defaults), in JSON form, in the order of
    the record's fields; the version is left out. Only those fields are converted."""
    converter = _converter()
    found: list[FieldChange] = []
    for name, declared, default in _fields(type(after)):
        value = getattr(after, name)
        old = default if before is None else getattr(before, name)
        if old is not _NO_DEFAULT and old == value:
            continue
        found.append(
            FieldChange(
                field=name,
                before=None
                if before is None
                else converter.unstructure(old, unstructure_as=declared),
                after=converter.unstructure(value, unstructure_as=declared),
            )
        )
    return tuple(found)
