"""The demo's agreements chapter tells its story at any moment of the year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.demo import CHAPTERS, World, demo_lines, partners
from crmcore.demo import agreements as chapter_module


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
        datetime(2027, 12, 31, 23, 0, tzinfo=UTC),
    ],
)
def test_the_chapter_approves_quotes_and_finds_three_broken_conditions(now: datetime) -> None:
    world = World()
    partners.build_world(world, now)
    text = "\n".join(chapter_module.chapter(world, now))
    assert f"Typical agreement 'Wholesale clients {now.year}'" in text
    assert "draft -> on_approval -> draft -> on_approval -> approved" in text
    assert "payment_form          cash          individual" in text
    assert "tea-green  20   1200.00  8%        1104.00  1020.00  22080.00  1090.00 on" in text
    assert "attached commercial_offer:Q-1" in text
    assert "Order ORD-42 breaks 3 conditions:" in text
    for code in ("payment_form_differs", "contract_missing", "delivery_address_missing"):
        assert code in text
    assert "returned 8 events" in text


def test_the_chapter_is_told_in_the_demo() -> None:
    assert ("Agreements, quotes and the compliance check", chapter_module.chapter) in CHAPTERS
    text = "\n".join(demo_lines(datetime(2026, 3, 2, 6, 0, tzinfo=UTC)))
    assert ". Agreements, quotes and the compliance check ==" in text
