"""The demo's price form chapter: the form, a refused sale that changes nothing, and the
sale whose offer e-mail waits in the outbox, at the fixed moment and at the year's edges."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crmcore.demo import CHAPTERS, DEMO_MOMENT, demo_lines

TITLE = "The price form: pick products for a client, see min and past prices, sell"


def chapter(now: datetime) -> str:
    number = [name for name, _ in CHAPTERS].index(TITLE) + 1
    found = re.search(
        rf"^== {number}\. .*? ==$(.*?)(?=^== |\Z)", "\n".join(demo_lines(now)), re.M | re.S
    )
    assert found is not None
    return found.group(1)


def test_the_price_form_is_told_at_the_fixed_moment() -> None:
    text = chapter(DEMO_MOMENT)
    assert "The product tree: Посуда (Чашки); Чай" in text
    assert re.search(
        r"Чай зелёный 1 кг +product +msk 40, spb 12 +1200.00 +1104.00 +1050.00 +1090.00 on", text
    )
    assert "Sell at 15% off is refused: items[0].discount: gives 1020.00 RUB, below" in text
    assert "the deal's items after it: 0" in text
    assert "offer 1 (KP-1) is sent, total 32880.00 RUB" in text
    assert "The e-mail in the outbox to info@romashka.ru: 'Commercial offer KP-1'" in text
    assert "attached: commercial_offer:KP-1" in text


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
        datetime(2027, 12, 31, 23, 0, tzinfo=UTC),
    ],
)
def test_the_sale_is_told_at_the_edges_of_the_agreements_year(now: datetime) -> None:
    assert "attached: commercial_offer:KP-1" in chapter(now)
