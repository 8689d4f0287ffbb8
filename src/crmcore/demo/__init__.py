"""The demo story: a small company's CRM, told through one :class:`crmcore.app.crm.CRM`.

:func:`demo_lines` tells the story as lines of text for a given moment; the command line
(``python -m crmcore demo``) prints them. The story is free of I/O and testable: every change
is a command executed by the CRM on a new memory store, and every chapter reads what the CRM
stored. Each chapter is a function ``chapter(story)`` yielding lines, listed in
:data:`CHAPTERS` in the order the story is told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Final

from crmcore.app.store import Store
from crmcore.demo import (
    agreements,
    catalog,
    claims,
    deals,
    duplicates,
    marketing,
    outbox,
    partners,
    reports,
    requests,
    rules,
)
from crmcore.demo.story import Story, new_crm
from crmcore.demo.world import table

__all__ = ["CHAPTERS", "DEMO_MOMENT", "Story", "demo_lines", "table"]

Chapter = Callable[[Story], Iterator[str]]

DEMO_MOMENT: Final = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=3)))
"""The moment the story is told at unless another is given: the demo's fixed clock."""

CHAPTERS: Final[tuple[tuple[str, Chapter], ...]] = (
    ("Partners and contacts", partners.chapter),
    ("Requests: a web form assigned by a rule and bound to a known client", requests.chapter),
    ("Duplicate control: the partner wizard finds the card that exists", duplicates.chapter),
    ("Agreements: approval, the conditions in force, a quote", agreements.chapter),
    ("Deals: a controlled sale through its gates to a quote and a win, a loss", deals.chapter),
    ("Claims: raised, investigated, paused and decided", claims.chapter),
    ("The outbox: what the rules asked to send, to whom and why", outbox.chapter),
    ("Reports: the desktop, the funnel, claims and KPIs", reports.chapter),
    ("Automation: the rules, the commands they gave, an explain trace", rules.chapter),
    ("The price form: pick products for a client, see min and past prices, sell", catalog.chapter),
    ("Marketing: a segment, consent, a mailing, attribution, cross-sell", marketing.chapter),
)


def demo_lines(
    now: datetime = DEMO_MOMENT, *, store: Store | None = None, where: str | None = None
) -> Iterator[str]:
    """The demo story as lines of text, told at the moment ``now`` on ``store`` (a new memory
    store by default; ``where`` names it). A store that holds an earlier run's data is not
    told the story again: what it holds is said instead."""
    if store is not None:
        found = _earlier_run(store)
        if found:
            yield f"crmcore demo: {where or 'the store'} holds the data of an earlier run:"
            yield from ("  " + line for line in found)
            yield "Nothing was changed; give another file to tell the story again."
            return
    story = Story(now=now) if store is None else Story(now=now, crm=new_crm(store))
    shown = f"the SQLite store {where}" if where else "a temporary in-memory CRM"
    yield f"crmcore demo: {shown} at {now:%Y-%m-%d %H:%M %Z}"
    for number, (title, chapter) in enumerate(CHAPTERS, start=1):
        yield ""
        yield f"== {number}. {title} =="
        yield ""
        yield from chapter(story)
    yield ""
    events = [event for done in story.executed for event in done.events]
    names = ", ".join(sorted({event.name for event in events}))
    yield f"{len(story.executed)} commands ran through CRM.execute; {len(events)} events:"
    yield f"  {names}"


def _earlier_run(store: Store) -> list[str]:
    """What an earlier run left in ``store``, a line a kind of record; none when it is new."""
    with store.unit_of_work() as stored:
        partners = stored.partners.count()
        if not partners:
            return []
        names = sorted(partner.short_name for partner in stored.partners.iterate())
        return [
            f"{partners} partners: {', '.join(names)}",
            f"{stored.deals.count()} deals, {stored.stage_log.count()} stage-log entries",
            f"{len(stored.requests.find())} requests, {len(stored.claims.find())} claims",
            f"{len(stored.outbox.find())} outbox messages, {len(stored.rules.list())} rules",
        ]
