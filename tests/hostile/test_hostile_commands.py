"""The application's commands from JSON, and claim drafts, as hostile input: only crmcore
errors escape, a refused command changes no repository, and every problem is listed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcore.errors import CRMError, DomainValidationError
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
