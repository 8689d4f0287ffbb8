"""A partner's environment: who is connected to whom within a few hops.

Before a deal a manager asks: which of our partners belong to the same group, who deals with
a competitor, which of our contacts knows their director? :func:`environment` walks the
relationships between partners and between contact persons, and the membership of contact
persons in their partner (one hop), breadth first from a start.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Final

import attrs

from crmcore.errors import Violation
from crmcore.ids import ContactPersonId, EntityRef, PartnerId, RelationshipId
from crmcore.partners.model import CONTACT_PERSON, PARTNER
from crmcore.partners.repository import ContactPersonRepository, RelationshipRepository
from crmcore.validation import raise_violations

__all__ = ["Environment", "EnvironmentLink", "EnvironmentNode", "environment"]

WORKS_AT: Final = "works_at"
MAX_HOPS: Final = 6


@attrs.frozen(kw_only=True)
class EnvironmentNode:
    """A partner or contact person reached from the start, ``distance`` hops away."""

    ref: EntityRef
    distance: int


@attrs.frozen(kw_only=True)
class EnvironmentLink:
    """One edge walked: a relationship (its kind and id) or ``works_at`` (person to partner)."""

    source: EntityRef
    target: EntityRef
    kind: str
    relationship_id: RelationshipId | None = None


@attrs.frozen(kw_only=True)
class Environment:
    """What :func:`environment` found: nodes by distance, then type and id; the links walked."""

    start: EntityRef
    nodes: tuple[EnvironmentNode, ...]
    links: tuple[EnvironmentLink, ...]
    truncated: bool = False

    def within(self, hops: int) -> list[EntityRef]:
        """The references at most ``hops`` away, the start included."""
        return [node.ref for node in self.nodes if node.distance <= hops]

    def distance(self, ref: EntityRef) -> int | None:
        """How many hops ``ref`` is from the start, or ``None`` if it was not reached."""
        return next((node.distance for node in self.nodes if node.ref == ref), None)


def environment(
    start: EntityRef,
    *,
    relationships: RelationshipRepository,
    contact_persons: ContactPersonRepository | None = None,
    hops: int = 2,
    max_nodes: int = 1000,
) -> Environment:
    """Everything within ``hops`` (1 to 6) of ``start``, breadth first.

    Without ``contact_persons`` only relationships are walked. ``max_nodes`` bounds the work
    on a dense graph; ``truncated`` tells when it cut the walk short.
    """
    _check_arguments(start, hops, max_nodes)
    distances = {start: 0}
    links: dict[tuple[EntityRef, EntityRef, str], EnvironmentLink] = {}
    queue = deque([start])
    truncated = False
    while queue:
        current = queue.popleft()
        if distances[current] == hops:
            continue
        for link in _neighbours(current, relationships, contact_persons):
            other = link.target if link.source == current else link.source
            links.setdefault((link.source, link.target, link.kind), link)
            if other in distances:
                continue
            if len(distances) >= max_nodes:
                truncated = True
                continue
            distances[other] = distances[current] + 1
            queue.append(other)
    nodes = sorted(
        (EnvironmentNode(ref=ref, distance=d) for ref, d in distances.items()),
        key=lambda n: (n.distance, n.ref.entity_type, n.ref.entity_id),
    )
    ordered = sorted(links.values(), key=lambda k: (str(k.source), str(k.target), k.kind))
    return Environment(start=start, nodes=tuple(nodes), links=tuple(ordered), truncated=truncated)


def _check_arguments(start: EntityRef, hops: int, max_nodes: int) -> None:
    problems: list[tuple[str, str, object]] = []
    if not isinstance(start, EntityRef) or start.entity_type not in {PARTNER, CONTACT_PERSON}:
        problems.append(("start", "must refer to a partner or a contact person", start))
    if isinstance(hops, bool) or not isinstance(hops, int) or not 1 <= hops <= MAX_HOPS:
        problems.append(("hops", f"must be an integer from 1 to {MAX_HOPS}", hops))
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        problems.append(("max_nodes", "must be a positive integer", max_nodes))
    raise_violations(Violation(field=f, message=m, value=v) for f, m, v in problems)


def _neighbours(
    ref: EntityRef,
    relationships: RelationshipRepository,
    contact_persons: ContactPersonRepository | None,
) -> Iterator[EnvironmentLink]:
    for relationship in relationships.of(ref):
        yield EnvironmentLink(
            source=relationship.source,
            target=relationship.target,
            kind=relationship.kind.value,
            relationship_id=relationship.id,
        )
    if contact_persons is None:
        return
    if ref.entity_type == PARTNER:
        for person in contact_persons.of_partner(PartnerId(ref.entity_id)):
            yield EnvironmentLink(source=person.ref, target=ref, kind=WORKS_AT)
    else:
        person = contact_persons.get(ContactPersonId(ref.entity_id))
        partner = EntityRef(entity_type=PARTNER, entity_id=person.partner_id)
        yield EnvironmentLink(source=ref, target=partner, kind=WORKS_AT)
