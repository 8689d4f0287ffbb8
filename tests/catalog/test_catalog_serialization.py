"""Every catalog and deal document model round-trips through the converter's JSON, and
a deal with line items too."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.deals import TYPICAL_SALE, Deal, DealDraft, open_deal
from crmcore.errors import DomainValidationError
from crmcore.serialization import make_converter
from crmcore.testing.strategies.catalog import _catalog_strategies
from crmcore.testing.strategies.deals import deals

CONVERTER = make_converter()
STRATEGIES = _catalog_strategies()


def json_form(value: object, cls: Any) -> Any:
    return json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))


@pytest.mark.parametrize("model", list(STRATEGIES), ids=lambda model: model.__name__)
@settings(max_examples=15)
@given(data=st.data())
def test_every_model_round_trips_through_json(model: type[Any], data: st.DataObject) -> None:
    value = data.draw(STRATEGIES[model])
    form = json_form(value, model)
    again = CONVERTER.structure(form, model)
    assert isinstance(again, model)
    assert json_form(again, model) == form


@settings(max_examples=25)
@given(deal=deals())
def test_a_deal_with_line_items_round_trips(deal: Deal) -> None:
    assert json_form(CONVERTER.structure(json_form(deal, Deal), Deal), Deal) == json_form(
        deal, Deal
    )


def test_a_stored_deal_without_the_new_fields_still_reads() -> None:
    form = json_form(_plain_deal(), Deal)
    for name in ("line_items", "probability", "tags", "source", "campaign_id", "next_step"):
        form.pop(name)
    assert CONVERTER.structure(form, Deal).line_items == ()


def test_a_deal_whose_amount_is_not_its_items_sum_is_refused() -> None:
    form = json_form(_plain_deal(), Deal)
    form["line_items"] = [
        {
            "product_id": "pump",
            "quantity": "1",
            "unit_price": {"amount": "10", "currency": "RUB"},
            "discount": "0",
            "amount": {"amount": "10", "currency": "RUB"},
            "tax_rate": "0",
            "tax": {"amount": "0", "currency": "RUB"},
        }
    ]
    with pytest.raises(DomainValidationError, match="the sum of the line items"):
        CONVERTER.structure(form, Deal)


def _plain_deal() -> Deal:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    draft = DealDraft(title="Насосы", partner_id="p-1", responsible_manager="u-1")
    return open_deal(draft, pipeline=TYPICAL_SALE, now=at).entity
