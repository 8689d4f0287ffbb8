"""For random departments, users, policies and command sequences, on every store: no query
result and no report count includes a record the policy does not let the actor read, and
every refused command leaves the store unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from access_samples import NOW
from access_stores import STORES, store_ids
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.access import (
    AccessControl,
    AccessPolicy,
    Action,
    Department,
    Permission,
    Role,
    Scope,
    SensitiveField,
    User,
)
from crmcore.app import CRM
from crmcore.app.commands import EditClaim, EditDeal, OpenDeal, RegisterClaim, RegisterPartner
from crmcore.app.store import Store
from crmcore.claims import Claimant, ClaimDraft, ClaimEdit
from crmcore.deals import DealDraft
from crmcore.errors import AccessDeniedError
from crmcore.ids import PartnerId, UserId
from crmcore.money import Money
from crmcore.partners import PartnerDraft, PartnerRole

USERS = ("u0", "u1", "u2", "u3", "u4")
DEPARTMENTS = ("d0", "d1", "d2")
START, END = NOW - timedelta(days=1), NOW + timedelta(days=1)


@st.composite
def policies(draw: st.DrawFn) -> AccessPolicy:
    """A tree of up to three departments with heads, users in them, and a role each with
    random scopes to read, change and report on deals and claims."""
    count = draw(st.integers(1, len(DEPARTMENTS)))
    departments = tuple(
        Department(
            id=DEPARTMENTS[index],
            parent=None if index == 0 else DEPARTMENTS[draw(st.integers(0, index - 1))],
            head=draw(st.sampled_from((None, *(UserId(user) for user in USERS)))),
        )
        for index in range(count)
    )
    permission = st.builds(
        Permission,
        kind=st.sampled_from(("deal", "claim", "partner", "*")),
        action=st.sampled_from((Action.READ, Action.CHANGE, Action.RUN_REPORTS)),
        scope=st.sampled_from(tuple(Scope)),
    )
    roles = tuple(
        Role(
            id=f"r-{user}",
            permissions=tuple(draw(st.lists(permission, max_size=4))),
            rights=frozenset(draw(st.sampled_from(((), ("amounts",))))),
        )
        for user in USERS
    )
    users = tuple(
        User(
            id=UserId(user),
            department=draw(st.sampled_from((None, *(d.id for d in departments)))),
            roles=frozenset({f"r-{user}"}),
        )
        for user in USERS
    )
    sensitive = (SensitiveField(kind="deal", field="amount", right="amounts"),)
    return AccessPolicy(departments=departments, users=users, roles=roles, sensitive=sensitive)


_STEP = st.one_of(
    st.tuples(
        st.just("deal"),
        st.sampled_from(USERS),
        st.frozensets(st.sampled_from(USERS), max_size=2),
    ),
    st.tuples(
        st.just("claim"),
        st.sampled_from((None, *USERS)),
        st.sampled_from((None, *DEPARTMENTS)),
    ),
    st.tuples(st.just("edit_deal"), st.sampled_from(USERS), st.integers(0, 20)),
    st.tuples(st.just("edit_claim"), st.sampled_from(USERS), st.integers(0, 20)),
)


def _snapshot(crm: CRM) -> tuple[Any, ...]:
    with crm.store.unit_of_work() as r:
        audit = r.audit.count() if r.audit is not None else None
        deals = sorted((d.id, d.version, d.title) for d in r.deals.find())
        claims = sorted((c.id, c.version, c.department) for c in r.claims.find())
        return deals, claims, r.stage_log.count(), audit


def _run(crm: CRM, steps: list[tuple[Any, ...]], partner: str) -> tuple[list[str], list[str]]:
    deals: list[str] = []
    claims: list[str] = []
    for step in steps:
        kind = step[0]
        if kind == "deal":
            _, manager, co = step
            draft = DealDraft(
                title="Pumps",
                partner_id=partner,
                responsible_manager=manager,
                co_executors=tuple(co - {manager}),
                amount=Money.of("100", "RUB"),
            )
            opened = crm.execute(
                OpenDeal(draft=draft, pipeline_id="manual_sale"), actor="system", now=NOW
            )
            deals.append(opened.result.id)
        elif kind == "claim":
            _, manager, department = step
            claim_draft = ClaimDraft(
                claimant=Claimant(role=PartnerRole.CLIENT, partner_id=PartnerId(partner)),
                essence="Broken",
                department=department,
                responsible_manager=None if manager is None else UserId(manager),
            )
            registered = crm.execute(RegisterClaim(draft=claim_draft), actor="system", now=NOW)
            claims.append(registered.result.id)
        else:
            _refused_changes_nothing(crm, step, deals, claims)
    return deals, claims


def _refused_changes_nothing(
    crm: CRM, step: tuple[Any, ...], deals: list[str], claims: list[str]
) -> None:
    kind, actor, pick = step
    command: EditDeal | EditClaim
    if kind == "edit_deal" and deals:
        command = EditDeal(deal_id=deals[pick % len(deals)], changes={"title": f"By {actor}"})
    elif kind == "edit_claim" and claims:
        edit = ClaimEdit(department=f"by-{actor}")
        command = EditClaim(claim_id=claims[pick % len(claims)], edit=edit)
    else:
        return
    before = _snapshot(crm)
    try:
        crm.execute(command, actor=actor, now=NOW)
    except AccessDeniedError:
        assert _snapshot(crm) == before


def _check_reads(crm: CRM, control: AccessControl, user: str, partner: str) -> None:
    with crm.store.unit_of_work() as r:
        every_deal = r.deals.find()
        every_claim = r.claims.find()
        client = r.partners.get(PartnerId(partner))
    readable_deals = {d.id for d in every_deal if control.permits(user, Action.READ, "deal", d)}
    readable_claims = {c.id for c in every_claim if control.permits(user, Action.READ, "claim", c)}
    for deal in every_deal:
        try:
            seen = crm.get("deal", deal.id, actor=user)
        except AccessDeniedError:
            assert deal.id not in readable_deals
        else:
            assert deal.id in readable_deals
            assert (seen.amount is None) == ("amount" in control.hidden(user, "deal"))
    if control.permits(user, Action.READ, "partner", client):
        view = crm.partner_view(partner, actor=user)
        assert {d.id for d in view.deals} == readable_deals
        assert {c.id for c in view.claims} == readable_claims
    else:
        with pytest.raises(AccessDeniedError):
            crm.partner_view(partner, actor=user)
    if control.may_at_all(user, Action.RUN_REPORTS, "deal"):
        found = crm.funnel("manual_sale", start=START, end=END, actor=user)
        assert found.open == len(readable_deals)
    else:
        with pytest.raises(AccessDeniedError):
            crm.funnel("manual_sale", start=START, end=END, actor=user)
    if control.may_at_all(user, Action.RUN_REPORTS, "claim"):
        _, structure, _ = crm.claims_report(start=START.date(), end=END.date(), now=NOW, actor=user)
        assert structure.total == len(readable_claims)


def _property(factory: Callable[[], Store]) -> Any:
    @given(policy=policies(), steps=st.lists(_STEP, min_size=1, max_size=8))
    def check(policy: AccessPolicy, steps: list[tuple[Any, ...]]) -> None:
        crm = CRM(factory(), policy=policy)
        draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="Romashka")
        partner = crm.execute(RegisterPartner(draft=draft, force=True), actor="system", now=NOW)
        partner_id = str(partner.result.id)
        _run(crm, steps, partner_id)
        control = AccessControl(policy)
        for user in USERS:
            _check_reads(crm, control, user, partner_id)

    return check


@pytest.mark.parametrize("factory", STORES, ids=store_ids)
def test_no_query_shows_what_the_policy_forbids(factory: Callable[[], Store]) -> None:
    examples = 25 if factory is STORES[0] else 8
    settings(max_examples=examples)(_property(factory))()
