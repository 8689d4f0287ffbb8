"""The access policy as the application layer applies it to commands and queries.

A :class:`Guard` over no policy allows everything, as does one for a system actor (the
actor of ticks, and the rights rules run with unless a rule states its owner's): a CRM
without a policy behaves as it always has.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, TypeVar

import attrs

from crmcore.access import NOTHING, AccessControl, Action
from crmcore.errors import AccessDeniedError
from crmcore.visibility import AccessScope

__all__ = ["KIND_OF_REPOSITORY", "Guard"]

T = TypeVar("T")

KIND_OF_REPOSITORY: Final = {
    "partners": "partner",
    "contact_persons": "contact_person",
    "deals": "deal",
    "interactions": "interaction",
    "agreements": "agreement",
    "claims": "claim",
    "requests": "request",
    "rules": "rule",
    "tasks": "task",
}
"""The kind of record the access policy names for each repository of the store."""


@attrs.frozen
class Guard:
    """Whether an actor may do what a command or a query asks; see the module."""

    control: AccessControl | None
    system_actors: frozenset[str] = frozenset()

    def exempt(self, actor: str) -> bool:
        """Whether ``actor`` is not restricted (no policy, or a system actor)."""
        return self.control is None or actor in self.system_actors

    def check_write(self, actor: str, repository: str, before: Any, after: Any) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` unless ``actor`` may store
        ``after`` in ``repository``: create it (``before`` is ``None``) or change ``before``,
        and set the sensitive fields it sets."""
        kind = KIND_OF_REPOSITORY.get(repository)
        if kind is None or self.control is None or self.exempt(actor):
            return
        action = Action.CREATE if before is None else Action.CHANGE
        checked = after if before is None else before
        self.control.require(actor, action, kind, checked, record_id=checked.id)
        self.control.require_fields(actor, action, kind, before, after)

    def scope(self, actor: str, kind: str, action: Action = Action.READ) -> AccessScope | None:
        """The scope of ``actor``'s query of ``kind`` (``None``: every record)."""
        if self.control is None or self.exempt(actor):
            return None
        return self.control.scope(actor, action, kind)

    def report(self, actor: str, kind: str) -> AccessScope | None:
        """The records of ``kind`` a report of ``actor``'s counts: those they may read; an
        actor who may run no report of ``kind`` is refused."""
        if self.control is None or self.exempt(actor):
            return None
        if not self.control.may_at_all(actor, Action.RUN_REPORTS, kind):
            raise AccessDeniedError(actor, Action.RUN_REPORTS.value, kind)
        return self.control.scope(actor, Action.READ, kind)

    def read(self, actor: str, kind: str, record: T) -> T:
        """``record`` as ``actor`` may see it (sensitive fields hidden), else
        :class:`~crmcore.errors.AccessDeniedError`."""
        if self.control is None or self.exempt(actor):
            return record
        self.control.require(
            actor, Action.READ, kind, record, record_id=getattr(record, "id", None)
        )
        redacted: T = self.control.redact(actor, kind, record)
        return redacted

    def visible(self, actor: str, kind: str, records: Iterable[T]) -> list[T]:
        """The ``records`` ``actor`` may read, as they may see them."""
        if self.control is None or self.exempt(actor):
            return list(records)
        control = self.control
        scope = control.scope(actor, Action.READ, kind)
        if scope == NOTHING:
            return []
        return [
            control.redact(actor, kind, record)
            for record in records
            if control.permits(actor, Action.READ, kind, record)
        ]

    def redacted(self, actor: str, kind: str, records: Iterable[T]) -> list[T]:
        """``records`` (read within ``actor``'s scope already) with their sensitive fields
        hidden."""
        if self.control is None or self.exempt(actor):
            return list(records)
        control = self.control
        return [control.redact(actor, kind, record) for record in records]
