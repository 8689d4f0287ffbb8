"""Builders the application layer's tests share: a clock, staff, drafts and rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from crmcore.app import Settings
from crmcore.memory import MemoryStore
from crmcore.partners import PartnerDraft
from crmcore.rules import Member, Rule, Staff
from crmcore.serialization import make_converter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = Staff(
    members=(
        Member(user="anna", teams=("sales",), department="sales"),
        Member(user="boris", teams=("sales",), department="sales"),
        Member(user="olga", department="sales"),
    ),
    heads={"sales": "olga"},
)
_CONVERTER = make_converter()


def rule(data: Mapping[str, Any]) -> Rule:
    """A rule from its JSON form."""
    return _CONVERTER.structure(dict(data), Rule)


def romashka(**changes: Any) -> PartnerDraft:
    """The draft of a client with a tax id, a phone and an e-mail."""
    fields: dict[str, Any] = {
        "kind": "legal_entity",
        "roles": ["client"],
        "short_name": "ООО «Ромашка»",
        "tax_id": "7707083893",
        "kpp": "770701001",
        "phones": ["+7 (495) 123-45-67"],
        "emails": ["info@romashka.ru"],
        **changes,
    }
    return PartnerDraft(**fields)


def settings(**changes: Any) -> Settings:
    """The tests' settings: the staff above, the rest as shipped."""
    return Settings(**{"staff": STAFF, **changes})


def snapshot(store: MemoryStore) -> dict[str, Any]:
    """Everything the store holds, read through the protocols."""
    with store.unit_of_work() as r:
        partners = list(r.partners.iterate())
        deals = list(r.deals.iterate())
        far = datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        return {
            "partners": partners,
            "contacts": [r.contact_persons.of_partner(p.id) for p in partners],
            "deals": deals,
            "log": list(r.stage_log.between(*far)),
            "requests": r.requests.find(),
            "claims": r.claims.find(),
            "agreements": list(r.agreements.iterate()),
            "interactions": [r.interactions.history(p.id) for p in partners],
            "outbox": r.outbox.find(),
            "rules": r.rules.list(all_versions=True),
            "watermark": r.ticks.watermark(),
        }
