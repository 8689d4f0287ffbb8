"""Each command through CRM: the area service's effect, stored with its events and logs;
bad input refused with a typed error naming the field, the store unchanged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from app_samples import NOW, romashka

from crmcore.agreements import (
    DeliveryMethod,
    DeliveryTerms,
    PaymentForm,
    SalesConditions,
    Taxation,
    TaxRegime,
)
from crmcore.app import CRM
from crmcore.app.commands import (
    AddContactPerson,
    ApproveAgreement,
    AssignRequest,
    AwaitClaimant,
    BindRequest,
    CancelInteraction,
    CloseClaim,
    CompleteInteraction,
    ConvertRequest,
    CreateIndividualAgreement,
    CreateTypicalAgreement,
    DecideClaim,
    EditContactPerson,
    EditDeal,
    EditPartner,
    EditRequest,
    InvestigateClaim,
    LinkRelationship,
    LoseDeal,
    MoveDeal,
    OpenDeal,
    PlanInteraction,
    QualifyRequest,
    ReceiveWebForm,
    RecordInteraction,
    RegisterClaim,
    RegisterPartner,
    RegisterRequest,
    RejectAgreement,
    ReopenDeal,
    RescheduleInteraction,
    ResumeClaim,
    StartInteraction,
    SubmitAgreement,
    TakeRequest,
    UnlinkRelationship,
    WinDeal,
)
from crmcore.claims import Claimant, ClaimDraft, ClaimResult, ClaimStatus
from crmcore.deals import DealDraft, DealStatus
from crmcore.errors import (
    DomainValidationError,
    EntityNotFoundError,
    SpamError,
    StageGateError,
)
from crmcore.ids import EntityRef
from crmcore.interactions import InteractionDraft, InteractionStatus
from crmcore.money import Money
from crmcore.partners import (
    ContactPerson,
    ContactPersonDraft,
    Partner,
    PartnerRole,
    PossibleDuplicates,
)
from crmcore.requests import Conversion, RequestDraft, RequestStatus

CONDITIONS = SalesConditions(
    currency="RUB",
    price_type="wholesale",
    payment_form=PaymentForm.BANK_TRANSFER,
    taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
    delivery=DeliveryTerms(method=DeliveryMethod.OUR_DELIVERY),
    max_manager_discount=Decimal(7),
)


def _partner(crm: CRM) -> Partner:
    result = crm.execute(RegisterPartner(draft=romashka()), actor="anna", now=NOW).result
    assert isinstance(result, Partner)
    return result


def _deal(crm: CRM, partner: Partner, pipeline: str = "typical_sale") -> str:
    draft = DealDraft(
        title="Поставка",
        partner_id=partner.id,
        responsible_manager="anna",
        amount=Money.of("50000", "RUB"),
    )
    return crm.execute(OpenDeal(draft=draft, pipeline_id=pipeline), actor="anna", now=NOW).result.id


def test_a_partner_is_registered_and_a_second_spelling_is_caught(crm: CRM) -> None:
    partner = _partner(crm)
    again = crm.execute(
        RegisterPartner(draft=romashka(short_name="Ромашка ООО")), actor="anna", now=NOW
    )
    assert isinstance(again.result, PossibleDuplicates)
    assert again.result.candidates[0].partner.id == partner.id
    assert again.events == ()
    forced = crm.execute(
        RegisterPartner(draft=romashka(short_name="Ромашка ООО"), force=True), actor="anna", now=NOW
    )
    assert isinstance(forced.result, Partner)
    assert crm.partner_view(forced.result.id).partner == forced.result


def test_cards_contact_persons_and_relationships_change_through_their_services(crm: CRM) -> None:
    partner = _partner(crm)
    edited = crm.execute(
        EditPartner(partner_id=partner.id, changes={"segment": "key"}), actor="anna", now=NOW
    )
    assert edited.result.segment == "key"
    assert [e.name for e in edited.events] == ["partner.changed"]
    person = crm.execute(
        AddContactPerson(partner_id=partner.id, draft=ContactPersonDraft(name="Анна Смирнова")),
        actor="anna",
        now=NOW,
    ).result
    assert isinstance(person, ContactPerson)
    renamed = crm.execute(
        EditContactPerson(contact_person_id=person.id, changes={"position": "Закупки"}),
        actor="anna",
        now=NOW,
    ).result
    assert renamed.position == "Закупки"
    other = crm.execute(
        RegisterPartner(
            draft=romashka(short_name="Vostok", tax_id=None, kpp=None, phones=[], emails=[])
        ),
        actor="anna",
        now=NOW,
    ).result
    linked = crm.execute(
        LinkRelationship(
            kind="carrier_of",
            source=EntityRef(entity_type="partner", entity_id=other.id),
            target=EntityRef(entity_type="partner", entity_id=partner.id),
        ),
        actor="anna",
        now=NOW,
    ).result
    view = crm.partner_view(partner.id)
    assert view.contact_persons == (renamed,)
    assert view.relationships == (linked,)
    crm.execute(UnlinkRelationship(relationship_id=linked.id), actor="anna", now=NOW)
    assert crm.partner_view(partner.id).relationships == ()


def test_a_deal_runs_its_lifecycle_and_every_change_is_in_the_stage_log(crm: CRM) -> None:
    partner = _partner(crm)
    deal_id = _deal(crm, partner, pipeline="manual_sale")
    moved = crm.execute(MoveDeal(deal_id=deal_id, stage="qualification"), actor="anna", now=NOW)
    assert moved.result.stage == "qualification"
    assert "deal.moved" in [e.name for e in moved.events]
    crm.execute(
        EditDeal(deal_id=deal_id, changes={"expected_close": date(2026, 4, 1)}),
        actor="anna",
        now=NOW,
    )
    won = crm.execute(WinDeal(deal_id=deal_id), actor="anna", now=NOW + timedelta(hours=1))
    assert won.result.status is DealStatus.WON
    reopened = crm.execute(
        ReopenDeal(deal_id=deal_id, reason="the client came back"),
        actor="anna",
        now=NOW + timedelta(hours=2),
    )
    lost = crm.execute(
        LoseDeal(deal_id=deal_id, reason="price"), actor="anna", now=NOW + timedelta(hours=3)
    )
    assert reopened.result.status is DealStatus.OPEN
    assert lost.result.status is DealStatus.LOST
    log = crm.stage_log(deal_id)
    assert [(c.to_stage, c.status) for c in log] == [
        ("first_contact", DealStatus.OPEN),
        ("qualification", DealStatus.OPEN),
        ("qualification", DealStatus.WON),
        ("qualification", DealStatus.OPEN),
        ("qualification", DealStatus.LOST),
    ]
    assert crm.get("deal", deal_id) == lost.result


def test_a_gate_stops_a_controlled_move_and_nothing_is_stored(crm: CRM) -> None:
    partner = _partner(crm)
    deal_id = _deal(crm, partner)
    crm.execute(MoveDeal(deal_id=deal_id, stage="qualification"), actor="anna", now=NOW)
    before = crm.get("deal", deal_id)
    with pytest.raises(StageGateError, match="client_classified"):
        crm.execute(MoveDeal(deal_id=deal_id, stage="commercial_offer"), actor="anna", now=NOW)
    assert crm.get("deal", deal_id) == before
    assert len(crm.stage_log(deal_id)) == 2


def test_interactions_are_planned_recorded_and_moved_along(crm: CRM) -> None:
    partner = _partner(crm)
    start = NOW + timedelta(days=1)
    draft = InteractionDraft(
        kind="meeting", topic="Образцы", start=start, end=start + timedelta(hours=1),
        partner_id=partner.id,
    )  # fmt: skip
    planned = crm.execute(PlanInteraction(draft=draft), actor="anna", now=NOW).result
    assert planned.status is InteractionStatus.PLANNED
    later = start + timedelta(days=1)
    moved = crm.execute(
        RescheduleInteraction(interaction_id=planned.id, start=later), actor="anna", now=NOW
    ).result
    assert moved.start == later
    crm.execute(StartInteraction(interaction_id=planned.id), actor="anna", now=later)
    done = crm.execute(
        CompleteInteraction(interaction_id=planned.id, result="договорились"),
        actor="anna",
        now=later + timedelta(hours=1),
    ).result
    assert done.status is InteractionStatus.DONE
    other = crm.execute(PlanInteraction(draft=draft), actor="anna", now=NOW).result
    cancelled = crm.execute(CancelInteraction(interaction_id=other.id), actor="anna", now=NOW)
    assert cancelled.result.status is InteractionStatus.CANCELLED
    call = InteractionDraft(
        kind="call", topic="Звонок", start=NOW - timedelta(hours=1), partner_id=partner.id,
        direction="outgoing",
    )  # fmt: skip
    recorded = crm.execute(RecordInteraction(draft=call), actor="anna", now=NOW).result
    assert recorded.status is InteractionStatus.DONE
    assert {i.id for i in crm.partner_view(partner.id).interactions} == {
        planned.id, other.id, recorded.id,
    }  # fmt: skip


def test_an_agreement_is_approved_or_rejected_through_its_base(crm: CRM) -> None:
    partner = _partner(crm)
    typical = crm.execute(
        CreateTypicalAgreement(
            title="Опт", conditions=CONDITIONS,
            valid_from=date(2026, 1, 1),
        ),
        actor="anna",
        now=NOW,
    ).result  # fmt: skip
    crm.execute(SubmitAgreement(agreement_id=typical.id), actor="anna", now=NOW)
    crm.execute(ApproveAgreement(agreement_id=typical.id), actor="olga", now=NOW)
    individual = crm.execute(
        CreateIndividualAgreement(title="Ромашка", partner_id=partner.id, base_id=typical.id),
        actor="anna",
        now=NOW,
    ).result
    crm.execute(SubmitAgreement(agreement_id=individual.id), actor="anna", now=NOW)
    approved = crm.execute(ApproveAgreement(agreement_id=individual.id), actor="olga", now=NOW)
    assert approved.result.status.value == "approved"
    assert crm.partner_view(partner.id).agreements == (approved.result,)
    other = crm.execute(
        CreateIndividualAgreement(title="Второе", partner_id=partner.id, base_id=typical.id),
        actor="anna",
        now=NOW,
    ).result
    crm.execute(SubmitAgreement(agreement_id=other.id), actor="anna", now=NOW)
    rejected = crm.execute(
        RejectAgreement(agreement_id=other.id, reason="дублирует"), actor="olga", now=NOW
    )
    assert rejected.result.status.value == "draft", "a rejected agreement goes back to draft"
    assert [e.name for e in rejected.events] == ["agreement.rejected"]


def test_a_claim_is_registered_investigated_paused_decided_and_closed(crm: CRM) -> None:
    partner = _partner(crm)
    draft = ClaimDraft(
        claimant=Claimant(role=PartnerRole.CLIENT, partner_id=partner.id),
        essence="Бой при доставке",
    )
    claim = crm.execute(RegisterClaim(draft=draft), actor="anna", now=NOW).result
    assert claim.response_due > NOW
    steps = [
        InvestigateClaim(claim_id=claim.id, responsible_manager="boris"),
        AwaitClaimant(claim_id=claim.id),
        ResumeClaim(claim_id=claim.id),
        DecideClaim(claim_id=claim.id, result=ClaimResult.SATISFIED),
        CloseClaim(claim_id=claim.id),
    ]
    for hours, step in enumerate(steps, start=1):
        result = crm.execute(step, actor="anna", now=NOW + timedelta(hours=hours)).result
    assert result.status is ClaimStatus.CLOSED
    assert result.responsible_manager == "boris"
    assert crm.partner_view(partner.id).claims == (result,)


def test_a_request_is_taken_qualified_and_converted_into_a_client_and_a_deal(crm: CRM) -> None:
    draft = RequestDraft(
        source="call", name="Пётр", company="Север", phones=["+7 912 000-11-22"],
        estimated_amount=Money.of("45000", "RUB"),
    )  # fmt: skip
    request = crm.execute(RegisterRequest(draft=draft), actor="anna", now=NOW).result
    crm.execute(TakeRequest(request_id=request.id), actor="anna", now=NOW)
    crm.execute(
        EditRequest(request_id=request.id, changes={"estimated_amount": Money.of("47000", "RUB")}),
        actor="anna",
        now=NOW,
    )
    crm.execute(AssignRequest(request_id=request.id, manager="boris"), actor="anna", now=NOW)
    crm.execute(QualifyRequest(request_id=request.id), actor="boris", now=NOW)
    converted = crm.execute(
        ConvertRequest(request_id=request.id, pipeline_id="typical_sale"), actor="boris", now=NOW
    )
    conversion = converted.result
    assert isinstance(conversion, Conversion)
    assert crm.get("request", request.id).status is RequestStatus.CONVERTED
    assert crm.get("partner", conversion.partner.id) == conversion.partner
    assert crm.get("deal", conversion.deal.id).amount == Money.of("47000", "RUB")
    assert len(crm.stage_log(conversion.deal.id)) == 1
    again = crm.execute(
        RegisterPartner(draft=romashka(short_name="Север", tax_id=None, kpp=None,
                                       phones=["+7 912 000-11-22"], emails=[])),
        actor="anna",
        now=NOW,
    )  # fmt: skip
    assert isinstance(again.result, PossibleDuplicates), "the conversion updated the index"


def test_a_web_form_is_bound_to_a_known_client_and_a_repeat_is_linked(crm: CRM) -> None:
    partner = _partner(crm)
    payload = {"name": "Анна", "company": "ООО «Ромашка»", "phone": "+7 495 123-45-67",
               "email": "info@romashka.ru", "message": "Нужны ящики"}  # fmt: skip
    first = crm.execute(ReceiveWebForm(payload=payload), actor="system", now=NOW).result
    assert first.binding is not None
    assert first.binding.partner_id == partner.id
    second = crm.execute(
        ReceiveWebForm(payload=payload), actor="system", now=NOW + timedelta(hours=1)
    ).result
    assert second.duplicate_of == first.id
    with pytest.raises(SpamError):
        crm.execute(
            ReceiveWebForm(payload={**payload, "website": "http://spam.example"}),
            actor="system",
            now=NOW,
        )
    bound = crm.execute(
        BindRequest(request_id=second.id, partner_id=partner.id),
        actor="anna",
        now=NOW + timedelta(hours=2),
    ).result
    assert bound.binding.partner_id == partner.id


def test_an_unknown_id_is_refused_and_nothing_changes(crm: CRM) -> None:
    partner = _partner(crm)
    before = crm.partner_view(partner.id)
    with pytest.raises(EntityNotFoundError):
        crm.execute(WinDeal(deal_id="missing"), actor="anna", now=NOW)
    draft = DealDraft(title="x", partner_id="missing", responsible_manager="anna")
    with pytest.raises(EntityNotFoundError):
        crm.execute(OpenDeal(draft=draft, pipeline_id="typical_sale"), actor="anna", now=NOW)
    with pytest.raises(EntityNotFoundError):
        crm.execute(
            OpenDeal(draft=DealDraft(title="x", partner_id=partner.id, responsible_manager="anna"),
                     pipeline_id="no_such_pipeline"),
            actor="anna",
            now=NOW,
        )  # fmt: skip
    assert crm.partner_view(partner.id) == before


def test_a_bad_actor_moment_or_command_names_every_field(crm: CRM) -> None:
    with pytest.raises(DomainValidationError) as raised:
        crm.execute("register", actor="ghost", now=NOW.replace(tzinfo=None))  # type: ignore[arg-type]
    assert raised.value.fields == ("command", "actor", "now")
    with pytest.raises(DomainValidationError) as wrong:
        WinDeal(deal_id=42)  # type: ignore[arg-type]
    assert wrong.value.fields == ("deal_id",)
    with pytest.raises(DomainValidationError) as missing:
        LoseDeal(deal_id="d", reason="")
    assert missing.value.fields == ("reason",)


def test_a_manual_move_past_an_advisory_gate_warns(crm: CRM) -> None:
    partner = _partner(crm)
    deal_id = _deal(crm, partner, pipeline="manual_sale")
    moved = crm.execute(MoveDeal(deal_id=deal_id, stage="commercial_offer"), actor="anna", now=NOW)
    assert moved.result.stage == "commercial_offer"
    assert moved.warnings
