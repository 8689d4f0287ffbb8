"""The built-in gates, their loading through the crmcore.gates entry points, and the JSON
forms of every deals model."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.metadata import EntryPoint
from typing import Any

import attrs
import pytest
from deal_samples import NOW, opened
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.agreements import Quote, Taxation, TaxRegime
from crmcore.deals import (
    BUILTIN_GATES,
    MANUAL_SALE,
    TYPICAL_SALE,
    Deal,
    DocumentKind,
    GateContext,
    Pipeline,
    Stage,
    StageChange,
    StageGate,
    edit_deal,
    funnel,
    load_gates,
    upcoming,
)
from crmcore.errors import PluginError
from crmcore.events import DomainEvent
from crmcore.ids import AgreementId, EntityRef, PartnerId
from crmcore.money import Money
from crmcore.partners import Partner, PartnerKind, PartnerRole
from crmcore.serialization import make_converter
from crmcore.testing.strategies import DEAL_EVENTS, domain_events

PARTNER = Partner(
    id=PartnerId("p-1"),
    kind=PartnerKind.LEGAL_ENTITY,
    roles=frozenset({PartnerRole.SUPPLIER}),
    short_name="Ромашка",
    created_at=NOW,
)


def check(
    name: str, deal: Deal, context: GateContext | None = None, argument: str | None = None
) -> str | None:
    return BUILTIN_GATES[name](deal, context or GateContext(), argument)


def test_each_builtin_gate_says_what_is_missing_until_it_holds() -> None:
    deal = opened(TYPICAL_SALE)
    ready = attrs.evolve(
        deal,
        amount=Money.of("1", "RUB"),
        expected_close=date(2026, 4, 1),
        documents=(EntityRef(entity_type="agreement", entity_id="a-1"),
                   EntityRef(entity_type="commercial_offer", entity_id="o-1"),
                   EntityRef(entity_type="supplier_order", entity_id="s-1")),
        custom={"budget": "есть"},
    )  # fmt: skip
    cases = [("agreement_linked", None), ("commercial_offer_registered", None),
             ("amount_set", None), ("expected_close_set", None),
             ("custom_field_filled", "budget"), ("document_linked", "supplier_order")]  # fmt: skip
    for name, argument in cases:
        assert check(name, deal, argument=argument) is not None, name
        assert check(name, ready, argument=argument) is None, name
    assert check("document_linked", ready, argument="spaceship") == (
        "the gate needs a document kind as argument, not 'spaceship'"
    )
    assert check("amount_set", attrs.evolve(deal, amount=Money.zero("RUB"))) is not None


def test_client_classified_needs_the_deal_partner_a_client_with_a_segment() -> None:
    deal = opened(TYPICAL_SALE)
    assert "was not given" in str(check("client_classified", deal))
    other = attrs.evolve(PARTNER, id=PartnerId("p-2"))
    assert "was not given" in str(check("client_classified", deal, GateContext(partner=other)))
    assert "is not a client" in str(check("client_classified", deal, GateContext(partner=PARTNER)))
    client = attrs.evolve(PARTNER, roles=frozenset({PartnerRole.CLIENT}))
    assert "not classified" in str(check("client_classified", deal, GateContext(partner=client)))
    classified = attrs.evolve(client, segment="B")
    assert check("client_classified", deal, GateContext(partner=classified)) is None


def test_the_builtin_gates_register_through_the_entry_points() -> None:
    loaded = load_gates()
    assert set(BUILTIN_GATES) <= set(loaded)
    for name, gate in BUILTIN_GATES.items():
        assert loaded[name] is gate


def test_a_plugin_gate_is_loaded_and_a_broken_one_is_named() -> None:
    good = EntryPoint(name="credit_approved", value="crmcore.deals.gates:amount_set",
                      group="crmcore.gates")  # fmt: skip
    assert list(load_gates(available=[good])) == ["credit_approved"]
    bad = EntryPoint(name="broken", value="crmcore.deals.gates:GATES", group="crmcore.gates")
    with pytest.raises(PluginError) as raised:
        load_gates(available=[bad])
    assert (raised.value.group, raised.value.name) == ("crmcore.gates", "broken")
    assert "callable" in raised.value.reason


FORMS: list[Any] = [StageGate, Stage, Pipeline, Deal, StageChange]


@settings(max_examples=25, deadline=None)
@given(data=st.data(), cls=st.sampled_from(FORMS))
def test_every_deals_model_round_trips_through_json(data: st.DataObject, cls: type) -> None:
    value = data.draw(st.from_type(cls))
    converter = make_converter()
    form = converter.unstructure(value)
    again = converter.structure(form, cls)
    # JSON forms are compared: Python never finds a local time that daylight saving makes
    # ambiguous equal to the same instant with a fixed offset, which is what JSON keeps.
    assert type(again) is cls
    assert converter.unstructure(again) == form


@settings(max_examples=30, deadline=None)
@given(event=domain_events(classes=DEAL_EVENTS))
def test_deal_events_round_trip_as_a_tagged_union(event: DomainEvent) -> None:
    converter = make_converter()
    data = converter.unstructure(event, DomainEvent)
    assert data["type"].startswith("deal.")
    again = converter.structure(data, DomainEvent)
    # JSON forms are compared, for the reason given above.
    assert type(again) is type(event)
    assert converter.unstructure(again, DomainEvent) == data


def test_reports_have_json_forms() -> None:
    converter = make_converter()
    report = funnel(MANUAL_SALE, [], start=NOW, end=NOW + timedelta(days=1))
    assert converter.structure(converter.unstructure(report), type(report)) == report
    forecast = upcoming([], pipelines={}, today=date(2026, 3, 2), days=7, currency="RUB")
    assert converter.structure(converter.unstructure(forecast), type(forecast)) == forecast


def test_a_quote_built_under_an_agreement_links_to_its_deal_as_its_commercial_offer() -> None:
    quote = Quote(
        id="q-1", partner_id=PartnerId("p-1"), agreement_id=AgreementId("a-1"), created_at=NOW,
        price_type="wholesale", taxation=Taxation(regime=TaxRegime.EXEMPT), lines=(),
        total=Money.of("0", "RUB"),
    )  # fmt: skip
    deal = opened(MANUAL_SALE)
    linked = edit_deal(deal, changes={"documents": (quote.ref,)}, now=NOW).entity
    assert linked.linked(DocumentKind.COMMERCIAL_OFFER) == (quote.ref,)
    assert BUILTIN_GATES["commercial_offer_registered"](linked, GateContext(), None) is None
