"""The demo's marketing chapter: a segment, a mailing in the outbox, attribution and
cross-sell, told at the fixed moment and at others."""

import re
from datetime import UTC, datetime

import pytest

from crmcore.demo import CHAPTERS, DEMO_MOMENT, demo_lines

TITLE = "Marketing: a segment, consent, a mailing, attribution, cross-sell"


def chapter(now: datetime) -> str:
    number = [name for name, _ in CHAPTERS].index(TITLE) + 1
    found = re.search(
        rf"^== {number}\. .*? ==$(.*?)(?=^== |\Z)", "\n".join(demo_lines(now)), re.M | re.S
    )
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("now", [DEMO_MOMENT, datetime(2027, 12, 31, 20, 0, tzinfo=UTC)])
def test_the_marketing_chapter_is_told(now: datetime) -> None:
    text = chapter(now)
    assert "Segment big-audi (Audi owners who bought over 50,000 RUB last year): 2 members" in text
    assert "autostar  purchases_last_year gt 50000: 127000 (holds)" in text
    assert re.search(r"campaign_email +spring +spring-service +a\.smirnova@romashka\.ru", text)
    assert "oleg" not in text.split("the outbox:")[1].split("Attribution")[0]
    assert re.search(r"spring +2 +0 +0 +0 RUB +12000 RUB +6000\.00 RUB", text)
    assert re.search(r"filter +oil +3 +0\.5000 +1\.0000 +2\.0000", text)
    assert "rims: clients who bought tyres also bought rims in 2 of 3 deals" in text
