"""What conditions read beyond the record: the host's related records and facts.

>>> NO_FACTS.fact("partner", "p-1", "last_purchase_amount") is None
True
"""

from __future__ import annotations

from typing import Final, Protocol

__all__ = ["NO_FACTS", "FactSource", "NoFacts"]


class FactSource(Protocol):
    """Related records and facts the host knows and crmcore does not store.

    ``record`` returns a related record (an attrs model or a mapping) for paths like
    ``partner.region``; ``fact`` returns a computed fact such as a partner's last purchase
    amount, declared in the schemas with
    :meth:`~crmcore.conditions.schemas.SchemaRegistry.with_fact`.
    Both answer ``None`` when they know nothing.
    """

    def record(self, entity: str, entity_id: str) -> object | None:
        """The record ``entity_id`` of ``entity`` (``"partner"``, ``"deal"``, ...)."""
        ...

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        """The fact ``name`` about record ``entity_id`` of ``entity``."""
        ...


class NoFacts:
    """A fact source that knows nothing: related paths and facts read as ``None``."""

    def record(self, entity: str, entity_id: str) -> object | None:
        """Nothing."""
        return None

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        """Nothing."""
        return None


NO_FACTS: Final = NoFacts()
