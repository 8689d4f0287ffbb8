"""The approval lifecycle of agreements: every move logged with an event, refusals typed and
changing nothing; and the examples in the area's docstrings hold."""

from __future__ import annotations

import doctest
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import ModuleType

import attrs
import pytest
from agreement_samples import NOW, PARTNER, approved_typical, conditions, individual, typical
from hypothesis import given
from hypothesis import strategies as st

import crmcore.agreements.model
import crmcore.agreements.schedule
import crmcore.agreements.templates
from crmcore.agreements import (
    APPROVAL,
    APPROVAL_DEFINITION,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Audience,
    ConditionOverrides,
    approve,
    close,
    create_individual_agreement,
    create_typical_agreement,
    edit_agreement,
    expire,
    reject,
    submit_for_approval,
)
from crmcore.errors import (
    AgreementNotApplicableError,
    AgreementTermsError,
    DomainValidationError,
    InvalidTransitionError,
    OverlappingValidityError,
)
from crmcore.ids import AgreementId
from crmcore.partners import PartnerRole

LATER = NOW + timedelta(hours=2)


def approved_individual(base: Agreement | None = None, **overrides: object) -> Agreement:
    base = base or approved_typical()
    agreement = submit_for_approval(individual(base, **overrides), base=base, now=NOW).entity
    return approve(agreement, base=base, now=LATER).entity


def test_a_typical_agreement_goes_through_approval_with_a_logged_event_per_move() -> None:
    draft = typical()
    submitted = submit_for_approval(draft, now=NOW, actor="u-1")
    approved = approve(submitted.entity, now=LATER, actor="u-2")
    agreement = approved.entity
    assert agreement.status is AgreementStatus.APPROVED
    assert agreement.version == draft.version + 2
    log = [(e.event, e.status_from.value, e.status_to.value, e.actor) for e in agreement.history]
    assert log == [
        ("submit", "draft", "on_approval", "u-1"),
        ("approve", "on_approval", "approved", "u-2"),
    ]
    (event,) = approved.events
    assert event.name == "agreement.approved"
    assert event.changes["status"].old == "on_approval"
    assert event.changes["status"].new == "approved"
    assert agreement.is_active(date(2026, 6, 1))
    assert not agreement.is_active(date(2027, 1, 1))


def test_rejection_returns_to_draft_with_its_reason() -> None:
    submitted = submit_for_approval(typical(), now=NOW).entity
    rejected = reject(submitted, reason="Скидка слишком велика", now=LATER)
    assert rejected.entity.status is AgreementStatus.DRAFT
    assert rejected.entity.history[-1].reason == "Скидка слишком велика"
    assert rejected.events[0].name == "agreement.rejected"
    assert rejected.events[0].reason == "Скидка слишком велика"
    with pytest.raises(DomainValidationError) as raised:
        reject(submitted, reason="  ", now=LATER)
    assert raised.value.field == "reason"


def test_an_individual_agreement_resolves_its_conditions_on_approval() -> None:
    base = approved_typical()
    agreement = approved_individual(base, discount=Decimal(7))
    assert agreement.conditions == attrs.evolve(conditions(), discount=Decimal(7))
    assert agreement.in_force(date(2026, 5, 5)).discount == Decimal(7)
    assert agreement.valid_to == base.valid_to
    assert agreement.covers(PARTNER)
    assert not agreement.covers(attrs.evolve(PARTNER, id="p-2"))


def test_approving_with_an_unresolved_base_is_refused_and_changes_nothing() -> None:
    base = approved_typical()
    submitted = submit_for_approval(individual(base), base=base, now=NOW).entity
    for wrong in (None, typical(), attrs.evolve(base, id="typ-2")):
        with pytest.raises(AgreementTermsError) as raised:
            approve(submitted, base=wrong, now=LATER)
        assert raised.value.problems[0].field == "base_id"
    assert submitted.status is AgreementStatus.ON_APPROVAL
    with pytest.raises(AgreementTermsError):
        submit_for_approval(individual(base), now=NOW)


def test_an_individual_agreement_outside_the_base_is_refused_with_every_reason() -> None:
    base = approved_typical(audience=Audience(roles=frozenset({PartnerRole.SUPPLIER})))
    with pytest.raises(AgreementTermsError) as raised:
        create_individual_agreement(
            name="Ромашка", partner=PARTNER, base=base, now=NOW,
            valid_from=date(2025, 12, 1), valid_to=date(2027, 1, 1),
            overrides=ConditionOverrides(discount=Decimal(50)),
        )  # fmt: skip
    assert [problem.field for problem in raised.value.problems] == [
        "valid_from",
        "valid_to",
        "overrides.discount",
        "partner_id",
    ]
    with pytest.raises(AgreementTermsError):
        create_individual_agreement(name="x", partner=PARTNER, base=individual(), now=NOW)


def test_overlapping_validity_on_the_same_base_is_refused() -> None:
    base = approved_typical()
    first = approved_individual(base)
    second = create_individual_agreement(
        name="Ромашка, второе", partner=PARTNER, base=base, now=NOW,
        agreement_id=AgreementId("ind-2"), valid_from=date(2026, 6, 1),
    ).entity  # fmt: skip
    second = submit_for_approval(second, base=base, now=NOW).entity
    with pytest.raises(OverlappingValidityError) as raised:
        approve(second, base=base, others=[first, second], now=LATER)
    assert (raised.value.other_id, raised.value.partner_id) == ("ind-1", "p-1")
    closed = close(first, now=LATER).entity
    assert approve(second, base=base, others=[closed], now=LATER).entity.is_active(date(2026, 7, 1))


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (AgreementStatus.DRAFT, "approve"),
        (AgreementStatus.APPROVED, "submit"),
        (AgreementStatus.CLOSED, "close"),
        (AgreementStatus.DRAFT, "reject"),
        (AgreementStatus.ON_APPROVAL, "expire"),
    ],
)
def test_a_move_the_status_does_not_allow_is_an_invalid_transition(
    status: AgreementStatus, move: str
) -> None:
    agreement = typical(status=status)
    calls = {
        "approve": lambda: approve(agreement, now=NOW),
        "submit": lambda: submit_for_approval(agreement, now=NOW),
        "close": lambda: close(agreement, now=NOW),
        "reject": lambda: reject(agreement, reason="no", now=NOW),
        "expire": lambda: expire(agreement, now=NOW),
    }
    with pytest.raises(InvalidTransitionError) as raised:
        calls[move]()
    assert (raised.value.entity_type, raised.value.entity_id) == ("agreement", "typ-1")
    assert (raised.value.state, raised.value.event) == (status.value, move)
    assert raised.value.allowed == APPROVAL.allowed_events(status.value)


def test_expiry_waits_for_the_end_of_validity() -> None:
    agreement = approved_typical()
    still = expire(agreement, now=datetime(2026, 12, 31, 23, tzinfo=NOW.tzinfo))
    assert still.entity is agreement
    assert still.events == ()
    expired = expire(agreement, now=datetime(2027, 1, 1, 0, 5, tzinfo=NOW.tzinfo))
    assert expired.entity.status is AgreementStatus.EXPIRED
    assert expired.events[0].name == "agreement.expired"
    assert expired.entity.in_force(date(2026, 6, 1)) == agreement.conditions
    with pytest.raises(AgreementNotApplicableError) as raised:
        expired.entity.in_force(date(2027, 1, 1))
    assert "not valid on 2027-01-01" in raised.value.reason
    later = datetime(2027, 1, 2, tzinfo=NOW.tzinfo)
    assert close(expired.entity, now=later, reason="replaced").entity.status.value == "closed"
    with pytest.raises(DomainValidationError) as raised:
        close(expired.entity, now=NOW, reason="dated before the expiry")
    assert raised.value.field == "now"


def test_only_drafts_are_edited_and_edits_are_checked() -> None:
    draft = typical()
    edited = edit_agreement(draft, changes={"name": "Дилеры 2026"}, now=NOW)
    assert edited.entity.name == "Дилеры 2026"
    assert edited.entity.version == draft.version + 1
    assert edited.events[0].changes["name"].new == "Дилеры 2026"
    assert edit_agreement(draft, changes={"name": draft.name}, now=NOW).events == ()
    with pytest.raises(DomainValidationError) as raised:
        edit_agreement(draft, changes={"status": "approved", "kind": "x"}, now=NOW)
    assert raised.value.fields == ("kind", "status")
    with pytest.raises(DomainValidationError) as raised:
        edit_agreement(draft, changes={"valid_to": date(2025, 1, 1)}, now=NOW)
    assert raised.value.field == "valid_to"
    with pytest.raises(InvalidTransitionError):
        edit_agreement(approved_typical(), changes={"name": "x"}, now=NOW)


def test_creation_emits_an_event_with_every_field() -> None:
    outcome = create_typical_agreement(
        name="Retail", conditions=conditions(), valid_from=date(2026, 1, 1), now=NOW
    )
    assert outcome.entity.kind is AgreementKind.TYPICAL
    assert outcome.events[0].name == "agreement.created"
    assert outcome.events[0].changes["conditions"].new["currency"] == "RUB"


def test_bad_agreements_name_every_field() -> None:
    with pytest.raises(DomainValidationError) as raised:
        Agreement(
            id="a 1", kind=AgreementKind.INDIVIDUAL, name="", valid_from=date(2026, 1, 1),
            created_at=NOW,
        )  # fmt: skip
    # The rules of an individual agreement do not wait for the id and name.
    assert raised.value.fields == ("id", "name", "partner_id", "base_id", "overrides")
    with pytest.raises(DomainValidationError) as raised:
        Agreement(
            id="a-1", kind=AgreementKind.INDIVIDUAL, name="x", valid_from=date(2026, 1, 1),
            valid_to=date(2025, 1, 1), status=AgreementStatus.APPROVED, created_at=NOW,
        )  # fmt: skip
    assert set(raised.value.fields) == {
        "valid_to", "partner_id", "base_id", "overrides", "conditions"
    }  # fmt: skip


@given(st.lists(st.sampled_from(APPROVAL_DEFINITION.transitions), max_size=8))
def test_the_status_follows_the_compiled_machine(moves: list[object]) -> None:
    agreement = typical()
    for move in moves:
        event = move.event
        allowed = event in APPROVAL.allowed_events(agreement.status.value)
        now = agreement.last_changed_at + timedelta(minutes=1)  # each move after the last
        try:
            if event == "reject":
                outcome = reject(agreement, reason="again", now=now)
            elif event == "expire":
                outcome = expire(agreement, now=now + timedelta(days=400))
            else:
                services = {"submit": submit_for_approval, "approve": approve, "close": close}
                outcome = services[event](agreement, now=now)
        except InvalidTransitionError:
            assert not allowed
            continue
        assert allowed
        expected = APPROVAL.fire(agreement.status.value, event)
        assert outcome.entity.status.value == expected
        assert outcome.entity.history[-1].status_to.value == expected
        agreement = outcome.entity


@pytest.mark.parametrize(
    "module",
    [crmcore.agreements.model, crmcore.agreements.schedule, crmcore.agreements.templates],
    ids=lambda module: module.__name__,
)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert results.failed == 0
    assert results.attempted > 0
