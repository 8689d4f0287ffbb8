"""Converting a request: a new or the bound client, a contact person, a deal in the chosen
pipeline with the amount, the interactions moved, all in one result or nothing at all."""

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from request_samples import HOUR, IVAN, MANAGER, NOW, ROMASHKA, VOSTOK, qualified, registered

from crmcore.deals import LONG_PROJECT, MANUAL_SALE, TYPICAL_SALE, DealStatus
from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.ids import ContactPersonId, DealId, InteractionId, PartnerId, UserId
from crmcore.interactions import Interaction, InteractionDraft, record_interaction
from crmcore.money import Money
from crmcore.partners import PartnerDraft, PartnerKind
from crmcore.requests import (
    BindingMethod,
    RequestStatus,
    bind_request,
    convert_request,
    partner_draft_of,
)

LATER = NOW + 3 * HOUR


def call(interaction_id: str = "i-1") -> Interaction:
    draft = InteractionDraft(kind="call", topic="Ящики", start=NOW, direction="incoming")
    return record_interaction(
        draft, interaction_id=InteractionId(interaction_id), author=MANAGER, now=NOW
    ).entity


def test_an_unbound_request_becomes_a_new_client_contact_and_deal() -> None:
    request = qualified()
    result = convert_request(
        request, pipeline=TYPICAL_SALE, now=LATER, deal_id=DealId("d-1"),
        partner_id=PartnerId("p-new"), contact_person_id=ContactPersonId("cp-new"),
        interactions=[call("i-1"), call("i-2")],
    )  # fmt: skip
    assert result.partner_created
    assert result.contact_person_created
    assert (result.partner.id, result.partner.kind, result.partner.short_name) == (
        "p-new", PartnerKind.LEGAL_ENTITY, "ООО «Север»",
    )  # fmt: skip
    assert result.contact_person is not None
    assert (result.contact_person.name, result.contact_person.partner_id) == (
        "Анна Смирнова",
        "p-new",
    )
    deal = result.deal
    assert (deal.id, deal.partner_id, deal.pipeline_id, deal.stage) == (
        "d-1", "p-new", TYPICAL_SALE.id, TYPICAL_SALE.first.name,
    )  # fmt: skip
    assert deal.amount == Money.of("45000", "RUB")
    assert deal.responsible_manager == MANAGER
    assert result.items == request.items
    assert result.stage_change is not None
    converted = result.request
    assert (converted.status, converted.deal_id, converted.closed_at) == (
        RequestStatus.CONVERTED, "d-1", LATER,
    )  # fmt: skip
    assert converted.binding is not None
    assert (converted.binding.partner_id, converted.binding.contact_person_id) == (
        "p-new",
        "cp-new",
    )
    assert converted.version == request.version + 1
    assert [i.subject for i in result.interactions] == [deal.ref, deal.ref]
    assert all(i.partner_id == "p-new" and i.version == 2 for i in result.interactions)
    assert [e.name for e in result.events] == [
        "partner.registered", "contact_person.added", "deal.opened", "request.converted",
        "interaction.changed", "interaction.changed",
    ]  # fmt: skip


def test_a_bound_request_reuses_its_client_and_contact_person() -> None:
    request = bind_request(
        qualified(), VOSTOK.id, contact_person_id=IVAN.id, now=NOW + 2 * HOUR
    ).entity
    result = convert_request(
        request, pipeline=MANUAL_SALE, now=LATER, partner=VOSTOK, contact_person=IVAN
    )
    assert (result.partner, result.contact_person) == (VOSTOK, IVAN)
    assert not result.partner_created
    assert not result.contact_person_created
    assert result.deal.partner_id == VOSTOK.id
    assert result.request.binding == request.binding
    assert [e.name for e in result.events] == ["deal.opened", "request.converted"]


def test_a_chosen_partner_gets_a_new_contact_person_from_the_request() -> None:
    result = convert_request(qualified(), pipeline=LONG_PROJECT, now=LATER, partner=ROMASHKA)
    assert result.deal.stage is None
    assert result.contact_person is not None
    assert result.contact_person.partner_id == ROMASHKA.id
    assert result.request.binding is not None
    assert result.request.binding.method is BindingMethod.MANUAL


def test_a_private_client_gets_no_contact_person() -> None:
    request = qualified(company=None)
    result = convert_request(request, pipeline=TYPICAL_SALE, now=LATER, title="Ящики Анне")
    assert result.partner.kind is PartnerKind.INDIVIDUAL
    assert result.partner.short_name == "Анна Смирнова"
    assert result.contact_person is None
    assert result.deal.title == "Ящики Анне"


def test_only_a_qualified_request_converts() -> None:
    with pytest.raises(InvalidTransitionError) as raised:
        convert_request(registered(), pipeline=TYPICAL_SALE, now=LATER)
    assert (raised.value.state, raised.value.event) == ("new", "convert")


def test_every_problem_of_a_conversion_is_named_at_once() -> None:
    request = bind_request(qualified(), VOSTOK.id, contact_person_id=IVAN.id, now=LATER).entity
    stranger = attrs.evolve(IVAN, id=ContactPersonId("cp-2"))
    with pytest.raises(DomainValidationError) as raised:
        convert_request(request, pipeline=TYPICAL_SALE, now=LATER, partner=ROMASHKA,
                        contact_person=stranger, deal_id=DealId("bad id"))  # fmt: skip
    assert raised.value.fields == ("partner", "contact_person", "deal.id")


def test_a_bad_partner_draft_and_a_missing_manager_are_named() -> None:
    request = attrs.evolve(qualified(), responsible_manager=None)
    bad = PartnerDraft(kind="legal_entity", roles=["client"], short_name=" ", tax_id="123")
    with pytest.raises(DomainValidationError) as raised:
        convert_request(request, pipeline=TYPICAL_SALE, now=LATER, partner_draft=bad)
    assert raised.value.fields[-1] == "responsible_manager"
    assert any(field.startswith("partner.") for field in raised.value.fields)


def test_a_default_partner_draft_carries_the_contact_data() -> None:
    draft = partner_draft_of(qualified(), manager=UserId("u-7"))
    assert (draft.kind, draft.short_name, draft.responsible_manager) == (
        "legal_entity", "ООО «Север»", "u-7",
    )  # fmt: skip
    assert [str(e) for e in draft.emails] == ["anna@sever.example"]


CHOICES = st.fixed_dictionaries(
    {},
    optional={
        "partner": st.sampled_from([ROMASHKA, VOSTOK]),
        "contact_person": st.sampled_from([IVAN, attrs.evolve(IVAN, partner_id=ROMASHKA.id)]),
        "deal_id": st.sampled_from(["d-1", "bad id", ""]).map(DealId),
        "partner_id": st.sampled_from(["p-9", "no good"]).map(PartnerId),
        "title": st.sampled_from(["Ящики", " ", "x" * 300]),
        "responsible_manager": st.sampled_from(["u-2", "nobody here"]).map(UserId),
        "interactions": st.lists(st.sampled_from([call("i-1"), call("i-2")]), max_size=2),
    },
)


@settings(max_examples=120)
@given(choices=CHOICES, bound=st.booleans(), status=st.sampled_from(tuple(RequestStatus)))
def test_a_conversion_gives_everything_consistent_or_one_typed_error(
    choices: dict[str, Any], bound: bool, status: RequestStatus
) -> None:
    request = qualified()
    if bound:
        request = bind_request(request, VOSTOK.id, contact_person_id=IVAN.id, now=LATER).entity
    if status is not RequestStatus.QUALIFIED:
        request = attrs.evolve(request, status=status, **_consistent(status))
    before = request
    try:
        result = convert_request(request, pipeline=TYPICAL_SALE, now=LATER, **choices)
    except (DomainValidationError, InvalidTransitionError):
        assert request == before
        return
    assert request == before
    deal = result.deal
    assert result.request.deal_id == deal.id
    assert deal.partner_id == result.partner.id
    assert deal.status is DealStatus.OPEN
    assert result.request.binding is not None
    assert result.request.binding.partner_id == result.partner.id
    if result.contact_person is not None:
        assert result.contact_person.partner_id == result.partner.id
    ids = {event.entity_id for event in result.events}
    assert {deal.id, result.request.id} <= ids
    assert all(i.subject == deal.ref for i in result.interactions)


def _consistent(status: RequestStatus) -> dict[str, Any]:
    if status is RequestStatus.REJECTED:
        return {"rejection_reason": "spam", "closed_at": LATER}
    if status is RequestStatus.CONVERTED:
        return {"deal_id": DealId("d-0"), "closed_at": LATER}
    return {}
