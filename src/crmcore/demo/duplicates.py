"""The demo's duplicate-control chapter: a new partner that turns out to exist already."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from crmcore.demo.world import World, table
from crmcore.ids import PartnerId
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.partners import PartnerDraft, PartnerRegistered
from crmcore.partners.registration import PossibleDuplicates, register_partner

__all__ = ["chapter"]


def chapter(world: World, now: datetime) -> Iterator[str]:
    """Register "Romashka LLC" against a base that holds ООО «Ромашка», then force it."""
    index = DuplicateIndex(MatchModel.for_partners())
    for partner in world.partners.iterate():
        index.add(partner.id, partner)
    draft = PartnerDraft(
        kind="legal_entity",
        roles=["client"],
        short_name="Romashka LLC",
        phones=["8 495 1234567"],
        emails=["INFO@romashka.ru"],
    )
    yield f"A manager registers {draft.short_name!r} (phone {draft.phones[0]!r}):"
    found = register_partner(
        draft, repository=world.partners, index=index, now=now, partner_id=PartnerId("romashka-2")
    )
    if not isinstance(found, PossibleDuplicates):
        yield "  no duplicate found"
        return
    for candidate in found.candidates:
        name = candidate.partner.short_name
        yield f"  stopped: may be {name} ({candidate.probability:.3f}), because:"
        rows = [
            [e.field, e.left or "", e.right or "", f"{e.weight:+.1f}"]
            for e in candidate.explanation
        ]
        yield from ("  " + line for line in table(["field", "new", "known", "weight"], rows))
    forced = register_partner(
        found.draft, repository=world.partners, index=index, now=now, force=True
    )
    registered = [] if isinstance(forced, PossibleDuplicates) else forced.events
    overridden = any(
        isinstance(event, PartnerRegistered) and event.duplicate_check_overridden
        for event in registered
    )
    yield f"Registered anyway with force=True; the event records the override: {overridden}"
    yield "(nothing is stored: the host decides, and here it keeps the base as it was)"
