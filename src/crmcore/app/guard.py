"""The access policy as the application layer applies it to commands and queries.

A :class:`Guard` over no policy allows everything, as does one for a system actor (the
actor of ticks, and the rights rules run with unless a rule states its owner's): a CRM
without a policy behaves as it always has.

A record of a kind that follows another's scope (a contact person its partner's, a deal's
documents their deal's; see :mod:`crmcore.access.kinds`) is judged by the keys of the record
it follows, which the caller's :data:`Loader` reads in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar

import attrs

from crmcore.access import NOTHING, AccessControl, Action, record_keys, record_kind
from crmcore.errors import AccessDeniedError, EntityNotFoundError
from crmcore.ids import EntityRef
from crmcore.visibility import AccessScope

__all__ = ["KIND_OF_REPOSITORY", "Guard", "Loader", "loader"]

T = TypeVar("T")

KIND_OF_REPOSITORY: Final = {
    "partners": "partner",
    "contact_persons": "contact_person",
    "relationships": "relationship",
    "pipelines": "pipeline",
    "deals": "deal",
    "offers": "commercial_offer",
    "supplier_orders": "supplier_order",
    "business_plans": "business_plan",
    "interactions": "interaction",
    "agreements": "agreement",
    "claims": "claim",
    "requests": "request",
    "rules": "rule",
    "tasks": "task",
    "projects": "project",
    "catalog": "product",
    "segments": "segment",
    "consents": "consent",
    "purchases": "purchase",
    "campaigns": "campaign",
    "surveys": "survey",
}
"""The kind of record the access policy names for each repository of the store."""

Loader = Callable[[EntityRef], Any]
"""Reads the record a reference names (``None`` when there is none)."""

# The repositories of the records other records follow.
_HOLDERS: Final = {"partner": "partners", "contact_person": "contact_persons", "deal": "deals"}


def loader(repositories: Any) -> Loader:
    """The :data:`Loader` over one unit of work's repositories."""

    def load(ref: EntityRef) -> Any:
        name = _HOLDERS.get(ref.entity_type)
        if name is None:
            return None
        try:
            return getattr(repositories, name).get(ref.entity_id)
        except EntityNotFoundError:
            return None

    return load


def _no_record(ref: EntityRef) -> Any:
    return None


@attrs.frozen
class Guard:
    """Whether an actor may do what a command or a query asks; see the module."""

    control: AccessControl | None
    system_actors: frozenset[str] = frozenset()

    def exempt(self, actor: str) -> bool:
        """Whether ``actor`` is not restricted (no policy, or a system actor)."""
        return self.control is None or actor in self.system_actors

    def keys(self, kind: str, record: Any, load: Loader = _no_record) -> frozenset[str]:
        """The access keys the policy reads for ``record`` of ``kind``: its own, else those
        of the record it follows (none when ``load`` finds no such record)."""
        found = record_kind(kind)
        if found is None or found.follows is None:
            return record_keys(kind, record)
        ref = found.follows(record)
        held = load(ref)
        return frozenset() if held is None else self.keys(ref.entity_type, held, load)

    def _require(self, actor: str, action: Action, kind: str, record: Any, load: Loader) -> None:
        assert self.control is not None
        keys = self.keys(kind, record, load)
        record_id = getattr(record, "id", None)
        self.control.require(actor, action, kind, record, record_id=record_id, keys=keys)

    def check_write(
        self,
        actor: str,
        repository: str,
        before: Any,
        after: Any,
        load: Loader = _no_record,
        *,
        kind: str | None = None,
    ) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` unless ``actor`` may store
        ``after`` in ``repository``: create it (``before`` is ``None``) or change ``before``,
        and set the sensitive fields it sets. ``kind`` names the kind of record when the
        repository holds more than one (the catalog's product groups and price types)."""
        kind = kind or KIND_OF_REPOSITORY.get(repository)
        if kind is None or self.control is None or self.exempt(actor):
            return
        action = Action.CREATE if before is None else Action.CHANGE
        self._require(actor, action, kind, after if before is None else before, load)
        self.control.require_fields(actor, action, kind, before, after)

    def check_delete(
        self, actor: str, repository: str, record: Any, load: Loader = _no_record
    ) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` unless ``actor`` may delete
        ``record`` from ``repository``."""
        kind = KIND_OF_REPOSITORY.get(repository)
        if kind is None or self.control is None or self.exempt(actor):
            return
        self._require(actor, Action.DELETE, kind, record, load)

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

    def export(self, actor: str, kind: str) -> AccessScope | None:
        """The records of ``kind`` that ``actor`` may export; an actor who may export no
        record of ``kind`` is refused."""
        if self.control is None or self.exempt(actor):
            return None
        if not self.control.may_at_all(actor, Action.EXPORT, kind):
            raise AccessDeniedError(actor, Action.EXPORT.value, kind)
        return self.control.scope(actor, Action.EXPORT, kind)

    def read(self, actor: str, kind: str, record: T, load: Loader = _no_record) -> T:
        """``record`` as ``actor`` may see it (sensitive fields hidden), else
        :class:`~crmcore.errors.AccessDeniedError`."""
        if self.control is None or self.exempt(actor):
            return record
        self._require(actor, Action.READ, kind, record, load)
        redacted: T = self.control.redact(actor, kind, record)
        return redacted

    def visible(
        self,
        actor: str,
        kind: str,
        records: Iterable[T],
        load: Loader = _no_record,
        *,
        action: Action = Action.READ,
    ) -> list[T]:
        """The ``records`` ``actor`` may read (or do ``action`` on), as they may see them."""
        if self.control is None or self.exempt(actor):
            return list(records)
        control = self.control
        if control.scope(actor, action, kind) == NOTHING:
            return []
        held: dict[EntityRef, Any] = {}

        def cached(ref: EntityRef) -> Any:
            if ref not in held:
                held[ref] = load(ref)
            return held[ref]

        return [
            control.redact(actor, kind, record)
            for record in records
            if control.permits(actor, action, kind, record, keys=self.keys(kind, record, cached))
        ]

    def redacted(self, actor: str, kind: str, records: Iterable[T]) -> list[T]:
        """``records`` (read within ``actor``'s scope already) with their sensitive fields
        hidden."""
        if self.control is None or self.exempt(actor):
            return list(records)
        control = self.control
        return [control.redact(actor, kind, record) for record in records]

    def hidden(self, actor: str, kind: str) -> frozenset[str]:
        """The sensitive fields of ``kind`` hidden from ``actor`` (none when exempt)."""
        if self.control is None or self.exempt(actor):
            return frozenset()
        return self.control.hidden(actor, kind)
