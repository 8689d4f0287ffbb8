"""What the access tests share: a policy of two departments under a head, and builders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from crmcore.access import AccessPolicy, parse_policy
from crmcore.app import CRM
from crmcore.app.commands import (
    OpenDeal,
    PlanInteraction,
    RegisterClaim,
    RegisterPartner,
    RegisterRequest,
    TakeRequest,
)
from crmcore.claims import Claimant, ClaimDraft
from crmcore.deals import DealDraft
from crmcore.ids import PartnerId, UserId
from crmcore.interactions import InteractionDraft
from crmcore.money import Money
from crmcore.partners import PartnerDraft, PartnerRole
from crmcore.requests import RequestDraft

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

POLICY_DATA: Mapping[str, Any] = {
    "departments": [
        {"id": "sales", "head": "olga"},
        {"id": "north", "parent": "sales"},
        {"id": "south", "parent": "sales"},
    ],
    "users": [
        {"id": "olga", "department": "sales", "roles": ["head"]},
        {"id": "anna", "department": "north", "roles": ["manager"]},
        {"id": "boris", "department": "south", "roles": ["manager"]},
        {"id": "ivan", "department": "north", "roles": ["viewer"]},
        {"id": "carl", "roles": ["admin"]},
    ],
    "roles": [
        {
            "id": "head",
            "permissions": [
                {"kind": "*", "action": "read", "scope": "department_and_below"},
                {"kind": "*", "action": "change", "scope": "department_and_below"},
                {"kind": "*", "action": "run_reports", "scope": "department_and_below"},
            ],
            "rights": ["amounts"],
        },
        {
            "id": "manager",
            "permissions": [
                {"kind": "*", "action": "read", "scope": "own"},
                {"kind": "deal", "action": "read", "scope": "co_executor"},
                {"kind": "*", "action": "create", "scope": "own"},
                {"kind": "*", "action": "change", "scope": "own"},
                {"kind": "partner", "action": "read", "scope": "all"},
                {"kind": "deal", "action": "run_reports", "scope": "own"},
            ],
            "rights": ["amounts"],
        },
        {
            "id": "viewer",
            "permissions": [{"kind": "deal", "action": "read", "scope": "department"}],
        },
        {
            "id": "admin",
            "permissions": [
                {"kind": "*", "action": "read", "scope": "all"},
                {"kind": "*", "action": "create", "scope": "all"},
                {"kind": "*", "action": "change", "scope": "all"},
                {"kind": "*", "action": "run_reports", "scope": "all"},
            ],
        },
    ],
    "sensitive": [
        {"kind": "deal", "field": "amount", "right": "amounts"},
        {"kind": "partner", "field": "bank_accounts", "right": "amounts"},
    ],
}


def policy() -> AccessPolicy:
    """The sample policy, read from its JSON form."""
    return parse_policy(dict(POLICY_DATA))


def partner(crm: CRM, *, manager: str = "anna", name: str = "Romashka") -> str:
    """A client registered by the admin, with ``manager`` responsible for it."""
    draft = PartnerDraft(
        kind="legal_entity", roles=["client"], short_name=name, responsible_manager=UserId(manager)
    )
    executed = crm.execute(RegisterPartner(draft=draft, force=True), actor="carl", now=NOW)
    return str(executed.result.id)


def open_deal(
    crm: CRM,
    partner_id: str,
    *,
    manager: str,
    actor: str | None = None,
    co: tuple[str, ...] = (),
    amount: str | None = "1000",
) -> str:
    """A deal of ``manager`` in the manual pipeline, opened by ``actor`` (the manager)."""
    draft = DealDraft(
        title="Pumps",
        partner_id=partner_id,
        responsible_manager=manager,
        co_executors=co,
        amount=None if amount is None else Money.of(amount, "RUB"),
    )
    command = OpenDeal(draft=draft, pipeline_id="manual_sale")
    return str(crm.execute(command, actor=actor or manager, now=NOW).result.id)


def claim(
    crm: CRM,
    partner_id: str,
    *,
    manager: str | None,
    department: str | None = None,
    actor: str = "carl",
) -> str:
    """A claim of the client, with ``manager`` responsible and of ``department``."""
    draft = ClaimDraft(
        claimant=Claimant(role=PartnerRole.CLIENT, partner_id=PartnerId(partner_id)),
        essence="Broken in delivery",
        department=department,
        responsible_manager=None if manager is None else UserId(manager),
    )
    return str(crm.execute(RegisterClaim(draft=draft), actor=actor, now=NOW).result.id)


def request(crm: CRM, *, manager: str, actor: str = "carl") -> str:
    """A web request taken into work by ``manager``."""
    draft = RequestDraft(source="manual", name="Anna", phones=["+7 495 123-45-67"])
    found = crm.execute(RegisterRequest(draft=draft), actor=actor, now=NOW).result
    crm.execute(TakeRequest(request_id=found.id, manager=manager), actor=actor, now=NOW)
    return str(found.id)


def interaction(
    crm: CRM, *, responsible: str, start: datetime = NOW - timedelta(hours=2), actor: str = "carl"
) -> str:
    """A call planned for ``responsible`` (overdue at :data:`NOW` by default)."""
    draft = InteractionDraft(
        kind="call",
        topic="Prices",
        start=start,
        responsible=UserId(responsible),
        direction="outgoing",
    )
    command = PlanInteraction(draft=draft)
    return str(crm.execute(command, actor=actor, now=start - timedelta(days=1)).result.id)


def extended_policy() -> AccessPolicy:
    """The sample policy with the rights to delete and export and with the sensitive lowest
    prices and business plan costs: a manager deletes and exports their own records, the
    admin every record; the head sees lowest prices and costs, the admin costs."""
    roles = []
    for role in POLICY_DATA["roles"]:
        permissions = list(role["permissions"])
        rights = list(role.get("rights", []))
        if role["id"] == "manager":
            permissions += [
                {"kind": "*", "action": "delete", "scope": "own"},
                {"kind": "*", "action": "export", "scope": "own"},
            ]
        if role["id"] == "admin":
            permissions += [
                {"kind": "*", "action": "delete", "scope": "all"},
                {"kind": "*", "action": "export", "scope": "all"},
            ]
            rights += ["margins"]
        if role["id"] == "head":
            rights += ["lowest_prices", "margins"]
        roles.append({**role, "permissions": permissions, "rights": rights})
    sensitive = [
        *POLICY_DATA["sensitive"],
        {"kind": "product", "field": "min_price", "right": "lowest_prices"},
        {"kind": "business_plan", "field": "planned_costs", "right": "margins"},
    ]
    return parse_policy({**POLICY_DATA, "roles": roles, "sensitive": sensitive})
