"""The shared world of the demo's chapters and its text table."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from crmcore.events import DomainEvent
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)

__all__ = ["World", "table"]


@attrs.define
class World:
    """The partners' repositories every chapter reads, and the events published so far.

    Chapters of other areas keep their own repositories and read the partners from here.
    """

    partners: MemoryPartnerRepository = attrs.field(factory=MemoryPartnerRepository)
    contacts: MemoryContactPersonRepository = attrs.field(factory=MemoryContactPersonRepository)
    relationships: MemoryRelationshipRepository = attrs.field(factory=MemoryRelationshipRepository)
    events: list[DomainEvent] = attrs.field(factory=list)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as an aligned text table with a rule under the headers.

    >>> print(*table(["name", "city"], [["Ромашка", "Москва"], ["Vostok", "Vladivostok"]]),
    ...       sep="\\n")
    name     city
    -------  -----------
    Ромашка  Москва
    Vostok   Vladivostok
    """
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, ["-" * width for width in widths], *rows]
    return ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]  # fmt: skip
