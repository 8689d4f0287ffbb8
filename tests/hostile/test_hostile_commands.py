"""The application's commands from JSON, and claim drafts, as hostile input: only crmcore
errors escape, a refused command changes no repository, and every problem is listed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcore.errors import CRMError, DomainValidationError, EntityNotFoundError
from crmcore.ids import DealId
from crmcore.money import Money
from crmcore.testing._hostile_app import (
    BODIES,
    COMMANDS,
    command_payloads,
    crm_snapshot,
    seeded_crm,
)
from crmcore.testing.hostile import attempt, command_bodies, entry_point

# Commands the seeded CRM refuses for what it holds, not for their bodies.
REFUSED_BY_STATE = {"start_project"}
FEW = settings(max_examples=4, suppress_health_check=[HealthCheck.too_slow], deadline=None)


def test_every_command_of_the_application_is_tried() -> None:
    # A command without a valid body here is tried with spoiled empty bodies.
    assert set(command_payloads()) == set(COMMANDS)
    assert set(BODIES) <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_each_body_is_read_from_json_and_refused_at_most_for_the_crm_s_state(name: str) -> None:
    outcome = attempt(entry_point("app_command"), (name, command_payloads()[name]))
    if outcome.result == "refused" and name not in REFUSED_BY_STATE:
        assert not isinstance(outcome.error, DomainValidationError), outcome.error
    assert outcome.result != "foreign", repr(outcome.error)


@pytest.mark.parametrize("name", sorted(COMMANDS))
@FEW
@given(data=st.data())
def test_a_spoiled_command_raises_only_crmcore_errors_and_changes_nothing(
    name: str, data: st.DataObject
) -> None:
    body = data.draw(command_bodies(only=name), label="payload")
    outcome = attempt(entry_point("app_command"), body)
    assert outcome.result != "foreign", repr(outcome.error)
    assert outcome.unchanged


def test_a_refused_command_leaves_every_repository_as_it_was() -> None:
    crm = seeded_crm()
    before = crm_snapshot(crm)
    entry = entry_point("app_command")
    body: dict[str, Any] = {"draft": {"title": "", "partner_id": "p-404"}, "pipeline_id": 5}
    with pytest.raises(CRMError):
        entry.run(("open_deal", body), crm)
    assert crm_snapshot(crm) == before
    entry.run(("edit_partner", {"partner_id": "p-1", "changes": {"notes": "VIP"}}), crm)
    assert crm_snapshot(crm) != before


def test_a_command_body_reports_every_problem_of_each_layer_at_once() -> None:
    entry = entry_point("app_command")
    # Read from JSON: every field of the wrong form, the draft's included.
    body = {"draft": {"title": 5, "partner_id": "p-1", "responsible_manager": 7},
            "pipeline_id": "", "deal_id": "d-2\n"}  # fmt: skip
    outcome = attempt(entry, ("open_deal", body))
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {
        "draft.title", "draft.responsible_manager", "pipeline_id", "deal_id",
    }  # fmt: skip
    # Read, then run: every problem of the draft's content.
    draft = {"title": " ", "partner_id": "p-1", "responsible_manager": "anna",
             "amount": {"amount": "-5", "currency": "RUB"}}  # fmt: skip
    body = {"draft": {**draft, "co_executors": ["boris"]}, "pipeline_id": "manual_sale"}
    outcome = attempt(entry, ("open_deal", body))
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {"title", "amount"}


def test_a_claim_draft_reports_every_problem_at_once() -> None:
    entry = entry_point("claim_draft")
    outcome = attempt(
        entry,
        {**entry.valid, "essence": " ", "channel": "pigeon", "reasons": "packaging",
         "attachments": None},
    )  # fmt: skip
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {"essence", "channel", "reasons", "attachments"}


def test_a_claim_draft_with_unhashable_reasons_is_refused_by_field() -> None:
    entry = entry_point("claim_draft")
    outcome = attempt(entry, {**entry.valid, "reasons": [[]], "claim_type": {"a": []}})
    assert isinstance(outcome.error, DomainValidationError)
    assert {"reasons[0]", "claim_type"} <= set(outcome.error.fields)


def test_an_edit_of_a_deal_from_json_takes_money_dates_and_percentages() -> None:
    crm = seeded_crm()
    changes = {
        "amount": {"amount": "10.00", "currency": "RUB"}, "probability": "35.5",
        "expected_close": "2026-05-01", "tags": ["vip"], "co_executors": ["boris"],
    }  # fmt: skip
    entry_point("app_command").run(("edit_deal", {"deal_id": "d-1", "changes": changes}), crm)
    with crm.store.unit_of_work() as repositories:
        deal = repositories.deals.get(DealId("d-1"))
    assert (deal.amount, deal.probability) == (Money.of("10.00", "RUB"), Decimal("35.5"))
    assert (deal.expected_close, deal.tags, deal.co_executors) == (
        date(2026, 5, 1), frozenset({"vip"}), frozenset({"boris"}),
    )  # fmt: skip


def test_bad_money_in_a_deal_s_changes_from_json_is_refused_by_field_beside_the_others() -> None:
    changes = {"amount": {"amount": "lots", "currency": "RUS"}, "title": " ",
               "expected_close": "someday"}  # fmt: skip
    outcome = attempt(
        entry_point("app_command"), ("edit_deal", {"deal_id": "d-1", "changes": changes})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {
        "changes.amount.amount", "changes.amount.currency", "changes.expected_close",
        "changes.title",
    }  # fmt: skip
    assert outcome.unchanged


def test_fields_that_cannot_be_changed_are_refused_beside_a_change_that_cannot_be_read() -> None:
    changes = {"amount": {"amount": "lots", "currency": "RUB"}, "stage": "won", "bogus": 1}
    outcome = attempt(
        entry_point("app_command"), ("edit_deal", {"deal_id": "d-1", "changes": changes})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {"changes.amount.amount", "changes.stage", "changes.bogus"}
    refused = [v for v in outcome.error.violations if v.field != "changes.amount.amount"]
    assert all("cannot be changed here" in v.message for v in refused)
    assert outcome.unchanged
    readable = {"amount": {"amount": "10", "currency": "RUB"}, "stage": "won"}
    outcome = attempt(
        entry_point("app_command"), ("edit_deal", {"deal_id": "d-1", "changes": readable})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("stage",)  # the service's own refusal, by its name


@pytest.mark.parametrize("amount", ["10", 10, ["10", "RUB"], {"amount": "1"}, None])
def test_money_in_a_deal_s_changes_takes_only_its_serialized_form(amount: object) -> None:
    changes = {"amount": amount}
    outcome = attempt(
        entry_point("app_command"), ("edit_deal", {"deal_id": "d-1", "changes": changes})
    )
    if amount is None:  # an amount may be cleared
        assert outcome.result == "accepted", outcome.error
        return
    assert isinstance(outcome.error, DomainValidationError)
    assert all(field.startswith("changes.amount") for field in outcome.error.fields)
    assert outcome.unchanged


def test_an_edit_of_a_request_from_json_takes_items_and_money() -> None:
    item = {"product": "Pipe", "amount": {"amount": "1", "currency": "EUR"}}
    changes: dict[str, Any] = {"estimated_amount": {"amount": "5", "currency": "RUB"}}
    changes["items"] = [item]
    outcome = attempt(
        entry_point("app_command"), ("edit_request", {"request_id": "r-1", "changes": changes})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert outcome.error.fields == ("estimated_amount",)  # two currencies
    item["amount"] = {"amount": "1", "currency": "RUB"}
    accepted = attempt(
        entry_point("app_command"), ("edit_request", {"request_id": "r-1", "changes": changes})
    )
    assert accepted.result == "accepted", accepted.error


def test_unknown_keys_in_changes_from_json_are_left_to_the_service_to_refuse() -> None:
    changes = {"stage": "won", "title": ""}
    outcome = attempt(
        entry_point("app_command"), ("edit_deal", {"deal_id": "d-1", "changes": changes})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {"stage", "title"}


_UNKNOWN_LINKS = [
    (
        "open_deal",
        {"draft": {"title": " ", "partner_id": "p-404", "responsible_manager": "anna",
                   "co_executors": ["anna"]}, "pipeline_id": "manual_sale"},
        {"title", "co_executors", "partner_id"},
    ),
    ("lose_deal", {"deal_id": "d-1", "reason": "bored", "competitor_id": "p-404"},
     {"reason", "competitor_id"}),
    (
        "plan_interaction",
        {"draft": {**BODIES["plan_interaction"]["draft"], "topic": "", "partner_id": "p-404",
                   "subject": {"entity_type": "deal", "entity_id": "d-404"}}},
        {"topic", "partner_id", "subject"},
    ),
    (
        "plan_interaction",
        {"draft": {**BODIES["plan_interaction"]["draft"], "topic": "",
                   "subject": {"entity_type": "spaceship", "entity_id": "s-1"}}},
        {"topic", "subject.entity_type"},
    ),
    (
        "register_claim",
        {"draft": {"claimant": {"role": "client", "partner_id": "p-404"}, "essence": " "}},
        {"essence", "claimant.partner_id"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "fields"), _UNKNOWN_LINKS)
def test_a_bad_draft_reports_its_problems_and_the_records_it_names_that_are_not_stored(
    name: str, body: dict[str, Any], fields: set[str]
) -> None:
    outcome = attempt(entry_point("app_command"), (name, body))
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == fields
    assert outcome.unchanged


def test_a_bad_link_is_not_looked_up_and_a_good_draft_with_an_unknown_partner_is_not_found() -> (
    None
):
    draft = {"title": " ", "partner_id": "p 404", "responsible_manager": "anna"}
    outcome = attempt(
        entry_point("app_command"), ("open_deal", {"draft": draft, "pipeline_id": "manual_sale"})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == {"title", "partner_id"}
    assert "names no stored" not in str(outcome.error)
    draft = {"title": "Pipes", "partner_id": "p-404", "responsible_manager": "anna"}
    outcome = attempt(
        entry_point("app_command"), ("open_deal", {"draft": draft, "pipeline_id": "manual_sale"})
    )
    assert isinstance(outcome.error, EntityNotFoundError)
    assert outcome.unchanged


@pytest.mark.parametrize(
    ("changes", "fields"),
    [("amount", {"changes"}), ({"nonsense": 1, 5: 2}, {"nonsense", "5"})],
)
def test_changes_from_json_that_name_no_field_are_refused_by_the_service(
    changes: object, fields: set[str]
) -> None:
    outcome = attempt(
        entry_point("app_command"), ("edit_deal", {"deal_id": "d-1", "changes": changes})
    )
    assert isinstance(outcome.error, DomainValidationError)
    assert set(outcome.error.fields) == fields
    assert outcome.unchanged
