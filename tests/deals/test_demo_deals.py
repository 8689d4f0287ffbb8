"""The demo's deals chapter tells its story at any moment of the year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.demo import CHAPTERS, World, demo_lines, partners
from crmcore.demo import deals as chapter_module

TITLE = "Deals: three kinds of sales process, gates, results and the funnel"


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
        datetime(2027, 12, 31, 23, 0, tzinfo=UTC),
    ],
)
def test_the_chapter_blocks_wins_loses_and_reports(now: datetime) -> None:
    world = World()
    partners.build_world(world, now)
    published = len(world.events)
    text = "\n".join(chapter_module.chapter(world, now))
    assert "  - client_classified: the client 'ООО «Ромашка»' is not classified" in text
    assert "  - agreement_linked: no agreement (sales conditions) is linked to the deal" in text
    assert "Трубы для «Ромашки»: won at stage 'contract', 1250000 RUB." in text
    assert "then lost (competitor) to lilie: Lilie: -7 %" in text
    assert "(unstaged): no stages, open" in text
    assert "First contact     4        2         1    1     50.0%       5" in text
    assert "won 1, lost 1, open 2; win rate 50.0%" in text
    assert "total 10550000 RUB, weighted 4967500.00 RUB; overdue: 0" in text
    names = {event.name for event in world.events[published:]}
    assert {"deal.opened", "deal.moved", "deal.won", "deal.lost", "deal.changed"} <= names


def test_the_chapter_is_told_in_the_demo() -> None:
    assert (TITLE, chapter_module.chapter) in CHAPTERS
    text = "\n".join(demo_lines(datetime(2026, 3, 2, 6, 0, tzinfo=UTC)))
    assert f". {TITLE} ==" in text
