"""Binding requests through the duplicate check: the three outcomes (a confident bind, a
proposal with its explanation, none), matches through contact persons, and rivals."""

import pytest
from request_samples import IVAN, NOW, ROMASHKA, VOSTOK, matcher, registered

from crmcore.errors import DomainValidationError
from crmcore.ids import ContactPersonId
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.requests import (
    BindingMethod,
    BindingState,
    RequestMatcher,
    match_request,
    propose_bindings,
    request_partner_record,
)


def test_a_confident_match_binds_automatically_with_its_explanation() -> None:
    request = registered(company="Romashka LLC", name=None, emails=["INFO@romashka.ru"],
                         phones=["8 495 1234567"])  # fmt: skip
    outcome = match_request(request, matcher(), now=NOW)
    bound = outcome.entity
    assert bound.binding_state is BindingState.BOUND
    assert bound.binding is not None
    assert bound.binding.partner_id == ROMASHKA.id
    assert bound.binding.method is BindingMethod.MATCHED
    assert bound.binding.probability is not None
    assert bound.binding.probability >= 0.95
    fields = {evidence.field: evidence for evidence in bound.binding.explanation}
    assert fields["phone"].similarity == 1.0
    assert fields["email"].weight > 0
    assert [event.name for event in outcome.events] == ["request.bound"]
    assert outcome.events[0].changes["binding"].new["method"] == "matched"


def test_a_possible_match_is_proposed_with_its_explanation() -> None:
    request = registered(company="Ромашка", name="Пётр", emails=[])
    outcome = match_request(request, matcher(), now=NOW)
    proposed = outcome.entity
    assert proposed.binding_state is BindingState.PROPOSED
    assert proposed.binding is None
    assert [p.partner_id for p in proposed.proposals] == [ROMASHKA.id]
    [proposal] = proposed.proposals
    assert 0.5 <= proposal.probability < 0.95
    assert {e.field for e in proposal.explanation} >= {"short_name", "phone", "email"}
    assert max(proposal.explanation, key=lambda e: e.weight).field == "short_name"
    assert [event.name for event in outcome.events] == ["request.binding_proposed"]
    assert outcome.entity.version == request.version + 1


def test_no_match_leaves_the_request_unbound_and_unchanged() -> None:
    request = registered(company="ООО «Лютик»", name="Пётр", emails=["petr@lutik.example"])
    outcome = match_request(request, matcher(), now=NOW)
    assert outcome.entity == request
    assert outcome.entity.binding_state is BindingState.UNBOUND
    assert outcome.events == ()


def test_a_known_contact_person_binds_the_request_to_their_partner() -> None:
    request = registered(company=None, name="Петров Иван", emails=[], phones=["+79161234567"])
    bound = match_request(request, matcher(), now=NOW).entity
    assert bound.binding is not None
    assert (bound.binding.partner_id, bound.binding.contact_person_id) == (VOSTOK.id, IVAN.id)


def test_two_confident_rivals_are_proposed_not_bound() -> None:
    request = registered(company="Ромашка Плюс", name=None, emails=[], phones=["+74951234567"])
    strict = matcher(confident=0.4, possible=0.3)
    outcome = match_request(request, strict, now=NOW)
    assert outcome.entity.binding_state is BindingState.PROPOSED
    assert len(outcome.entity.proposals) == 2


def test_a_bound_request_is_not_matched_again() -> None:
    request = match_request(
        registered(company="Romashka", phones=["+74951234567"], emails=["info@romashka.ru"]),
        matcher(), now=NOW,
    ).entity  # fmt: skip
    assert match_request(request, matcher(), now=NOW).entity is request


def test_proposals_name_each_partner_once_with_the_contact_person_found() -> None:
    request = registered(company="Восток", name="Иван Петров", phones=["+79161234567"], emails=[])
    proposals = propose_bindings(request.contact, matcher(possible=0.01, confident=1.0))
    assert len({p.partner_id for p in proposals}) == len(proposals)
    best = proposals[0]
    assert (best.partner_id, best.contact_person_id) == (VOSTOK.id, ContactPersonId("cp-1"))


def test_a_matcher_refuses_odd_thresholds_and_half_a_contact_index() -> None:
    index = DuplicateIndex(MatchModel.for_partners())
    with pytest.raises(DomainValidationError) as raised:
        RequestMatcher(partners=index, confident=0.4, possible=0.6, contacts=index)
    assert raised.value.fields == ("possible", "contact_persons")
    with pytest.raises(DomainValidationError) as raised:
        RequestMatcher(partners=index, confident=0, possible=2)
    assert raised.value.fields == ("confident", "possible")


def test_a_private_person_is_matched_by_name() -> None:
    record = request_partner_record(registered(company=None, name="Анна").contact)
    assert record["short_name"] == "Анна"
    assert set(record) == set(MatchModel.for_partners().field_names)


def test_a_contact_with_nothing_to_compare_stays_unbound() -> None:
    request = registered(company=None, name="-", emails=[])
    assert match_request(request, matcher(), now=NOW).entity == request


def test_a_matcher_names_a_bad_limit_and_contact_index() -> None:
    index = DuplicateIndex(MatchModel.for_partners())
    with pytest.raises(DomainValidationError) as raised:
        RequestMatcher(partners=index, limit=0, contacts="index")  # type: ignore[arg-type]
    assert raised.value.fields == ("contacts", "limit")


def test_one_shared_phone_under_another_name_is_proposed_with_its_rule() -> None:
    request = registered(company="ИП Сидоров", name="Пётр", emails=[], phones=["8 495 1234567"])
    proposed = match_request(request, matcher(), now=NOW).entity
    assert proposed.binding_state is BindingState.PROPOSED
    [proposal] = proposed.proposals
    assert proposal.partner_id == ROMASHKA.id
    assert proposal.probability < 0.5
    assert [e.rule for e in proposal.explanation if e.rule] == ["exact_phone"]


def test_rule_proposals_come_beside_the_limit() -> None:
    request = registered(company="Ромашка", name="Пётр", emails=["info@romashka.ru"])
    proposals = propose_bindings(request.contact, matcher(limit=1, possible=0.9))
    assert [p.partner_id for p in proposals] == [ROMASHKA.id]
    request = registered(company="Ромашка Плюс", name=None, emails=["info@romashka.ru"])
    proposals = propose_bindings(request.contact, matcher(limit=1))
    assert [p.partner_id for p in proposals] == ["p-2", ROMASHKA.id]
