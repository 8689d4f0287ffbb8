"""Records as the engine sees them: checked, then normalized field by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

from crmcore.errors import DomainValidationError, Violation
from crmcore.matching.normalize import normalize
from crmcore.matching.partners import partner_record
from crmcore.partners.model import Partner

if TYPE_CHECKING:
    from crmcore.matching.model import MatchModel

__all__ = ["MatchRecord", "Prepared", "as_record", "prepare"]

MatchRecord: TypeAlias = Mapping[str, str | None] | Partner
"""A record to match: the value of every field of the model (``None`` when unknown), or a
:class:`~crmcore.partners.Partner`, read through :func:`~crmcore.matching.partner_record`."""
Prepared: TypeAlias = tuple[str | None, ...]
"""The normalized values of a record, in the order of the model's fields."""


def _violations(model: MatchModel, record: object) -> list[Violation]:
    if not isinstance(record, Mapping):
        return [Violation(field="record", message="must be a mapping of field names to strings")]
    found: list[Violation] = []
    for spec in model.fields:
        name = spec.name
        if name not in record:
            found.append(Violation(field=name, message="is missing from the record"))
        elif record[name] is not None and not isinstance(record[name], str):
            found.append(
                Violation(field=name, message="must be a string or None", value=record[name])
            )
    return found


def as_record(record: object) -> object:
    """``record`` as a mapping of field names to values when it is a partner, else unchanged."""
    return partner_record(record) if isinstance(record, Partner) else record


def prepare(model: MatchModel, record: object) -> Prepared:
    """The normalized values of ``record``; every problem with it is reported at once."""
    record = as_record(record)
    violations = _violations(model, record)
    if violations:
        raise DomainValidationError(violations)
    assert isinstance(record, Mapping)
    values = tuple(normalize(spec.kind, record[spec.name]) for spec in model.fields)
    if all(value is None for value in values):
        raise DomainValidationError.single("record", "has no value in any compared field")
    return values
