"""The catalog's models and services: every problem reported at once, nothing changed by a
refused call, events for each change."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import attrs
import pytest
from catalog_samples import GROUPS, NOW, PUMP, SEAL, WHOLESALE

from crmcore.catalog import (
    Price,
    PriceType,
    Product,
    ProductDraft,
    ProductGroup,
    ProductKind,
    StockLevel,
    create_group,
    create_product,
    edit_product,
    set_price,
)
from crmcore.errors import DomainValidationError
from crmcore.money import Money


def fields_of(error: pytest.ExceptionInfo[DomainValidationError]) -> list[str]:
    return [violation.field for violation in error.value.violations]


def test_a_group_goes_under_its_parent_and_says_so() -> None:
    outcome = create_group("Уплотнения", parent=GROUPS[1], now=NOW, group_id="seals")
    assert outcome.entity.parent_id == "parts"
    assert [event.name for event in outcome.events] == ["product_group.created"]
    assert outcome.events[0].changes["name"].new == "Уплотнения"


def test_a_group_with_bad_fields_names_each() -> None:
    with pytest.raises(DomainValidationError) as raised:
        create_group(" ", now=NOW, group_id="bad id")
    assert sorted(fields_of(raised)) == ["id", "name"]


def test_a_group_is_never_its_own_parent() -> None:
    with pytest.raises(DomainValidationError) as raised:
        ProductGroup(id="g", name="G", parent_id="g")
    assert fields_of(raised) == ["parent_id"]


def test_a_product_is_created_in_its_group() -> None:
    draft = ProductDraft(name="  Насос К-80 ", group_id="pumps", unit="шт", image="img/k80.png")
    outcome = create_product(draft, group=GROUPS[0], now=NOW, product_id="k80")
    product = outcome.entity
    assert (product.name, product.kind, product.version) == ("Насос К-80", ProductKind.PRODUCT, 1)
    assert outcome.events[0].name == "product.created"


def test_a_product_names_every_problem_and_an_unknown_group() -> None:
    draft = ProductDraft(
        name="",
        group_id="nowhere",
        unit="",
        image="has spaces in it",
        min_price=Money.of("-1", "RUB"),
    )
    with pytest.raises(DomainValidationError) as raised:
        create_product(draft, now=NOW, product_id="x")
    assert sorted(fields_of(raised)) == ["group_id", "image", "min_price", "name", "unit"]


def test_an_edit_changes_the_fields_and_bumps_the_version() -> None:
    outcome = edit_product(SEAL, changes={"name": "Сальник", "unit": "m"}, now=NOW)
    assert (outcome.entity.name, outcome.entity.unit, outcome.entity.version) == (
        "Сальник",
        "m",
        2,
    )
    assert set(outcome.events[0].changes) == {"name", "unit"}


def test_an_edit_that_changes_nothing_returns_the_product() -> None:
    outcome = edit_product(PUMP, changes={"name": PUMP.name}, now=NOW)
    assert outcome.entity is PUMP
    assert outcome.events == ()


def test_an_edit_refuses_unknown_fields_bad_values_and_a_group_not_given() -> None:
    with pytest.raises(DomainValidationError) as raised:
        edit_product(
            PUMP, changes={"id": "other", "unit": 5, "group_id": "parts"}, now=NOW, group=None
        )
    assert sorted(fields_of(raised)) == ["group_id", "id", "unit"]


def test_an_edit_moves_a_product_to_the_group_given() -> None:
    moved = edit_product(PUMP, changes={"group_id": "parts"}, now=NOW, group=GROUPS[1])
    assert moved.entity.group_id == "parts"


def test_a_price_is_set_in_the_price_types_currency() -> None:
    outcome = set_price(
        PUMP, price_type=WHOLESALE, price=Money.of("1", "RUB"), valid_from=date(2026, 4, 1), now=NOW
    )
    assert outcome.entity == Price(
        product_id="pump",
        price_type="wholesale",
        valid_from=date(2026, 4, 1),
        price=Money.of("1", "RUB"),
    )
    assert outcome.events[0].name == "product.price_set"


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (Money.of("10", "EUR"), "must be in RUB"),
        (Money.of("94.99", "RUB"), "below the product's minimum price 95 RUB"),
    ],
)
def test_a_price_in_another_currency_or_below_the_minimum_is_refused(
    price: Money, message: str
) -> None:
    with pytest.raises(DomainValidationError, match=message) as raised:
        set_price(SEAL, price_type=WHOLESALE, price=price, valid_from=date(2026, 4, 1), now=NOW)
    assert fields_of(raised) == ["price"]


def test_a_price_with_bad_fields_names_each() -> None:
    with pytest.raises(DomainValidationError) as raised:
        set_price(
            PUMP,
            price_type=WHOLESALE,
            price="100",  # type: ignore[arg-type]
            valid_from=datetime(2026, 4, 1, tzinfo=NOW.tzinfo),
            now=NOW,
        )
    assert sorted(fields_of(raised)) == ["price", "valid_from"]


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(DomainValidationError):
        create_group("G", now=datetime(2026, 1, 1))


def test_models_check_their_fields() -> None:
    with pytest.raises(DomainValidationError) as raised:
        StockLevel(product_id="pump", warehouse="", quantity=Decimal(-1), as_of=NOW)
    assert sorted(fields_of(raised)) == ["quantity", "warehouse"]
    with pytest.raises(DomainValidationError):
        PriceType(id="retail", name="Retail", currency="RUS")
    with pytest.raises(DomainValidationError):
        attrs.evolve(PUMP, kind="product")  # type: ignore[arg-type]
    assert Product(id="p", name="P").unit == "pcs"
