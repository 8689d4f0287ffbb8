"""The demo's claims chapter tells its story at any moment of the year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.demo import CHAPTERS, World, demo_lines, partners
from crmcore.demo import claims as chapter_module


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
        datetime(2027, 12, 31, 23, 0, tzinfo=UTC),
    ],
)
def test_the_chapter_registers_refuses_decides_and_reports(now: datetime) -> None:
    world = World()
    partners.build_world(world, now)
    published = len(world.events)
    text = "\n".join(chapter_module.chapter(world, now))
    assert "c-100  Анна Смирнова  self_service  packaging" in text
    assert "status: is not a known field" in text
    assert "attachments[0].size: must be a whole number from 0 to 26214400 (got -1)" in text
    assert "mandatory activities are open: 'Inspect the batch'" in text
    assert "Decided partially_satisfied with the plan 50% done" in text
    assert "c-5  Logistics   resolution" in text
    assert "all claims         5        40.0         40.0         20.0" in text
    assert "reason      Late delivery      3       50.0" in text
    assert "returned 28 events" in text
    assert len(world.events) == published


def test_the_chapter_is_told_in_the_demo() -> None:
    title = "Claims: the public form, investigation, deadlines and reports"
    assert (title, chapter_module.chapter) in CHAPTERS
    text = "\n".join(demo_lines(datetime(2026, 3, 2, 6, 0, tzinfo=UTC)))
    assert f". {title} ==" in text
