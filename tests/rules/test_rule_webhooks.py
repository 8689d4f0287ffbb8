"""Where webhooks may go: public https hosts, or the hosts a host application allows."""

from __future__ import annotations

import doctest

import pytest

import crmcore.rules.webhooks
from crmcore.errors import DomainValidationError
from crmcore.rules import (
    CallWebhook,
    Rule,
    RuleEngine,
    Trigger,
    TriggerKind,
    WebhookPolicy,
    default_schemas,
)


def _rule(url: str) -> Rule:
    return Rule(
        id="hook", name="Tell the ERP", trigger=Trigger(entity="deal", on=TriggerKind.CREATED),
        then=(CallWebhook(url=url),),
    )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data",
        "https://127.0.0.1/",
        "https://10.1.2.3/",
        "https://192.168.0.1/",
        "https://[::1]/",
        "https://[fd00::1]/",
        "https://[fe80::1]/",
        "https://[::ffff:10.0.0.1]/",
        "https://localhost/",
        "https://erp.localhost/",
        "https://metadata.google.internal/",
        "https://0.0.0.0/",
        "https://224.0.0.1/",
    ],
)
def test_webhooks_to_local_private_or_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(DomainValidationError) as caught:
        RuleEngine([_rule(url)], schemas=default_schemas())
    assert caught.value.fields == ("[0].then[0].url",)
    allowed = RuleEngine(
        [_rule(url)], schemas=default_schemas(), webhooks=WebhookPolicy(allow_private=True)
    )
    assert len(allowed.candidates(_opened())) == 1


def test_an_allow_list_names_the_hosts_webhooks_may_call() -> None:
    policy = WebhookPolicy(allowed_hosts=("erp.example.com", "*.hooks.example.com"))
    for url in ("https://erp.example.com/x", "https://a.hooks.example.com/y"):
        assert list(policy.problems(url)) == []
    (problem,) = policy.problems("https://evil.example.org/")
    assert "allowed hosts: erp.example.com, *.hooks.example.com" in problem.message
    assert [v.field for v in policy.problems("http://erp.example.com/")] == ["url"]
    with pytest.raises(DomainValidationError):
        WebhookPolicy(allowed_hosts=("Bad Host",))


def test_the_resolved_address_is_checked_right_before_connecting() -> None:
    policy = WebhookPolicy()
    url = "https://hooks.example.com/deal"
    assert policy.address_for(url, ["93.184.216.34", "2606:2800:220:1::1"]) == "93.184.216.34"
    with pytest.raises(DomainValidationError) as caught:
        policy.address_for(url, ["93.184.216.34", "169.254.169.254", "not an address"])
    assert len(caught.value.violations) == 2
    with pytest.raises(DomainValidationError, match="resolved to no address"):
        policy.address_for(url, [])
    assert WebhookPolicy(allow_private=True).address_for(url, ["10.0.0.1"]) == "10.0.0.1"


def test_the_webhooks_module_examples_run() -> None:
    assert doctest.testmod(crmcore.rules.webhooks).failed == 0


def _opened() -> object:
    from rule_samples import NOW  # noqa: PLC0415

    from crmcore.deals import DealOpened  # noqa: PLC0415

    return DealOpened(entity_id="d-1", occurred_at=NOW)
