"""The demo story: a small company's CRM in a temporary in-memory world.

:func:`demo_lines` tells the story as lines of text for a given moment; the command line
(``python -m crmcore demo``) prints them. The story is free of I/O and testable. Each area
adds a chapter: a function ``chapter(world, now)`` yielding lines, listed in
:data:`CHAPTERS` in the order the story is told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Final

from crmcore.demo import (
    agreements,
    claims,
    deals,
    duplicates,
    interactions,
    partners,
    requests,
    rules,
)
from crmcore.demo.world import World, table

__all__ = ["CHAPTERS", "World", "demo_lines", "table"]

Chapter = Callable[[World, datetime], Iterator[str]]

CHAPTERS: Final[tuple[tuple[str, Chapter], ...]] = (
    ("Partners and contacts", partners.chapter),
    ("Duplicate control: a new partner that exists already", duplicates.chapter),
    ("Agreements, quotes and the compliance check", agreements.chapter),
    ("Deals: three kinds of sales process, gates, results and the funnel", deals.chapter),
    ("Requests: web intake, binding to a known client, conversion into a deal", requests.chapter),
    ("Claims: the public form, investigation, deadlines and reports", claims.chapter),
    ("A manager's day and KPIs against last year", interactions.chapter),
    ("Automation: If/Then rules, their commands and an explain trace", rules.chapter),
)


def demo_lines(now: datetime) -> Iterator[str]:
    """The demo story as lines of text, told at the moment ``now``."""
    world = World()
    partners.build_world(world, now)
    yield f"crmcore demo: a temporary in-memory CRM at {now:%Y-%m-%d %H:%M %Z}"
    for number, (title, chapter) in enumerate(CHAPTERS, start=1):
        yield ""
        yield f"== {number}. {title} =="
        yield ""
        yield from chapter(world, now)
    yield ""
    names = ", ".join(sorted({event.name for event in world.events}))
    yield f"{len(world.events)} events were published: {names}"
