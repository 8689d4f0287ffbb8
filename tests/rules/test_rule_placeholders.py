"""Malformed placeholders and an invoice amount read from a text field are refused when the
rule is checked, naming the action and the field."""

from __future__ import annotations

from typing import Any

import pytest

from crmcore.errors import DomainValidationError
from crmcore.rules import Rule, default_schemas, validate_rule
from crmcore.rules.templates import template_problems
from crmcore.serialization import make_converter

CONVERTER = make_converter()


def _problems(*actions: dict[str, Any], entity: str = "deal") -> list[str]:
    rule = CONVERTER.structure(
        {"id": "r", "name": "Thanks", "trigger": {"entity": entity, "on": "created"},
         "then": list(actions)},
        Rule,
    )  # fmt: skip
    with pytest.raises(DomainValidationError) as caught:
        validate_rule(rule, schemas=default_schemas())
    return [str(violation) for violation in caught.value.violations]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Dear {{ Title }}", "placeholder '{{ Title }}' is malformed"),
        ("Dear {{ title|upper }}", "placeholder '{{ title|upper }}' is malformed"),
        ("Dear {{ partner.name() }}", "placeholder '{{ partner.name() }}' is malformed"),
        ("Dear {partner.short_name, thank you", "'{partner.short_name' looks like a placeholder"),
        ("Dear {partner.short_name}", "'{partner.short_name' looks like a placeholder"),
        ("Dear {{ partner.short_name", "placeholder '{{ partner.short_name' is not closed"),
        ("Dear partner.short_name }}", "'}}' closes no placeholder"),
    ],
)
def test_a_thank_you_sms_with_a_malformed_placeholder_is_refused(text: str, shown: str) -> None:
    (problem,) = _problems({"action": "sms_client", "text": text})
    assert problem.startswith(f"then[0].text: sms_client: {shown}")


def test_every_malformed_placeholder_of_every_action_is_reported_at_once() -> None:
    problems = _problems(
        {"action": "email_client", "subject": "{{ Title }}", "body": "Hello {{ title }}"},
        {"action": "create_task", "title": "Call {partner.short_name"},
    )
    assert [problem.split(":")[0:2] for problem in problems] == [
        ["then[0].subject", " email_client"],
        ["then[1].title", " create_task"],
    ]


def test_a_placeholder_of_an_unknown_entity_or_field_names_the_action_and_field() -> None:
    problems = _problems({"action": "send_message", "text": "{{ company.name }} {{ colour }}"})
    assert problems == [
        "then[0].text: send_message: placeholder 'company.name': "
        "'company' is not a relation of deal",
        "then[0].text: send_message: placeholder 'colour': "
        "'colour' is not a field, custom field or fact of deal",
    ]


def test_a_webhook_body_is_checked_in_its_strings_not_its_json_braces() -> None:
    good = '{"deal": {"id": "{{ id }}", "title": "{{ title }}"}}'
    assert template_problems("json", good) == ()
    (problem,) = _problems(
        {"action": "call_webhook", "url": "https://hooks.example.com/deals",
         "body": '{"deal": {"title": "{{ Title }}"}}'}
    )  # fmt: skip
    assert problem.startswith("then[0].body: call_webhook: placeholder '{{ Title }}' is malformed")


def test_braces_that_name_nothing_are_plain_text() -> None:
    assert template_problems("text", "Discount {10%} for {{ partner.short_name }}: {}") == ()


def test_a_long_malformed_placeholder_is_shown_by_its_start_only() -> None:
    (problem,) = template_problems("text", "{{ " + "X" * 5000 + " }}")
    assert len(problem) < 200


def test_an_invoice_for_the_deals_title_is_refused_for_its_amount_field() -> None:
    (problem,) = _problems({"action": "create_invoice", "amount_field": "title"})
    assert problem == (
        "then[0].amount_field: create_invoice: must be a money or decimal field, "
        "not a text field (got 'title')"
    )


def test_an_invoice_for_the_deals_amount_passes() -> None:
    rule = CONVERTER.structure(
        {"id": "r", "name": "Invoice", "trigger": {"entity": "deal", "on": "created"},
         "then": [{"action": "create_invoice", "amount_field": "amount",
                   "comment": "For {{ title }}"}]},
        Rule,
    )  # fmt: skip
    validate_rule(rule, schemas=default_schemas())
