"""The demo's duplicate-control chapter: the partner wizard stops a new partner that exists
already, and says why."""

from __future__ import annotations

from collections.abc import Iterator

from crmcore.app.commands import RegisterPartner
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.partners import PartnerDraft, PossibleDuplicates

__all__ = ["chapter"]


def chapter(story: Story) -> Iterator[str]:
    """RegisterPartner "Romashka LLC" against a base that holds ООО «Ромашка»."""
    draft = PartnerDraft(
        kind="legal_entity",
        roles=["client"],
        short_name="Romashka LLC",
        phones=["8 495 1234567"],
        emails=["INFO@romashka.ru"],
    )
    with story.crm.store.unit_of_work() as stored:
        before = stored.partners.count()
    yield f"A manager registers {draft.short_name!r} (phone {draft.phones[0]!r}):"
    command = RegisterPartner(draft=draft, partner_id="romashka-2")
    found: PossibleDuplicates = story.run(command, actor="boris")
    for candidate in found.candidates:
        name = candidate.partner.short_name
        yield f"  PossibleDuplicates: may be {name} ({candidate.probability:.3f}), because:"
        rows = [
            [e.field, e.left or "", e.right or "", f"{e.weight:+.1f}"]
            for e in candidate.explanation
        ]
        yield from ("  " + line for line in table(["field", "new", "known", "weight"], rows))
    with story.crm.store.unit_of_work() as stored:
        after = stored.partners.count()
    yield "The manager opens the known card instead:"
    yield f"  partners stored before: {before}, after: {after}"
    yield "(RegisterPartner with force=True would register it anyway, the override recorded)"
