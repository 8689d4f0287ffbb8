"""The demo's interactions chapter tells a manager's day and a KPI table at any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.demo import CHAPTERS, World, demo_lines, partners
from crmcore.demo import interactions as chapter_module


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
        datetime(2028, 2, 29, 12, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
        datetime(2027, 12, 31, 20, 59, tzinfo=UTC),
    ],
)
def test_the_chapter_shows_the_day_reminders_a_card_and_kpis(now: datetime) -> None:
    world = World()
    partners.build_world(world, now)
    published = len(world.events)
    text = "\n".join(chapter_module.chapter(world, now))
    assert "3 events today, " in text
    assert "counterparties: Vostok Logistics (1), ООО «Ромашка» (2)" in text
    assert "Reminders up to 09:45: Spring tea order at 09:30" in text
    assert "Reminders up to 09:45: nothing new" in text
    assert "to contact_person:sergey" in text
    assert "Vostok Logistics: first deal" in text
    assert "Сергей Ким" in text
    assert "Asia/Vladivostok" in text
    assert "u-ivanova   6 / 4 (+50%)" in text
    assert "team        13 / 11 (+18%)" in text
    assert "returned 6 events" in text
    assert len(world.events) == published


def test_in_the_morning_only_yesterdays_task_is_overdue() -> None:
    now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
    world = World()
    partners.build_world(world, now)
    assert "3 events today, 1 overdue;" in "\n".join(chapter_module.chapter(world, now))


def test_the_chapter_is_told_in_the_demo() -> None:
    title = "A manager's day and KPIs against last year"
    assert (title, chapter_module.chapter) in CHAPTERS
    text = "\n".join(demo_lines(datetime(2026, 3, 2, 6, 0, tzinfo=UTC)))
    assert f". {title} ==" in text
