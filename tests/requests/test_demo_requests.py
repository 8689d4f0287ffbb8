"""The demo's requests chapter tells its story at any moment of the year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.demo import CHAPTERS, World, demo_lines, partners
from crmcore.demo import requests as chapter_module


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
        datetime(2027, 12, 31, 23, 0, tzinfo=UTC),
    ],
)
def test_the_chapter_binds_one_request_and_converts_the_other(now: datetime) -> None:
    world = World()
    partners.build_world(world, now)
    published = len(world.events)
    known = world.partners.count()
    text = "\n".join(chapter_module.chapter(world, now))
    assert "web-1 from Анна Смирнова: bound to ООО «Ромашка» / Анна Смирнова" in text
    assert "matched, probability 0.999" in text
    assert "refused as spam: website: is a trap field" in text
    assert "Request web-2 from ООО «Север»: unbound." in text
    assert "new partner ООО «Север» (legal_entity)" in text
    assert "new contact person Ольга Соколова" in text
    assert "stage first_contact, for 45000.00 RUB" in text
    assert "moved to the deal's chain: Ящики для «Севера»" in text
    assert "website_form  2         1      0    50.0" in text
    assert "returned 12 events" in text
    assert len(world.events) == published
    assert world.partners.count() == known


def test_the_chapter_is_told_in_the_demo() -> None:
    title = "Requests: web intake, binding to a known client, conversion into a deal"
    assert (title, chapter_module.chapter) in CHAPTERS
    assert any(
        "bound to ООО «Ромашка»" in line for line in demo_lines(datetime(2026, 3, 2, tzinfo=UTC))
    )
