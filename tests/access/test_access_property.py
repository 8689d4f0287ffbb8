"""For random departments, users, policies and command sequences, on every store: no query
result, export and report count includes a record the policy does not let the actor read (or
export), and every refused command leaves the store unchanged. Deals, claims, tasks and
contact persons (which follow their partner's scope) are drawn."""

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
    record_keys,
)
from crmcore.app import CRM
from crmcore.app.commands import (
    AddContactPerson,
    CreateTask,
    EditClaim,
    EditDeal,
    OpenDeal,
    RegisterClaim,
    RegisterPartner,
)
from crmcore.app.store import Store
from crmcore.claims import Claimant, ClaimDraft, ClaimEdit
from crmcore.deals import DealDraft
from crmcore.errors import AccessDeniedError
from crmcore.ids import PartnerId, UserId
from crmcore.money import Money
from crmcore.partners import ContactPersonDraft, PartnerDraft, PartnerRole
from crmcore.tasks import TaskDraft

USERS = ("u0", "u1", "u2", "u3", "u4")
DEPARTMENTS = ("d0", "d1", "d2")
START, END = NOW - timedelta(days=1), NOW + timedelta(days=1)


@st.composite
def policies(draw: st.DrawFn) -> AccessPolicy:
    """A tree of up to three departments with heads, users in them, and a role each with
    random scopes to read, create, change, export and report on deals, claims, tasks,
    partners and their contact persons."""
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
        kind=st.sampled_from(("deal", "claim", "partner", "task", "contact_person", "*")),
        action=st.sampled_from(
            (Action.READ, Action.CREATE, Action.CHANGE, Action.EXPORT, Action.RUN_REPORTS)
        ),
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
    st.tuples(
        st.just("task"),
        st.sampled_from(USERS),
        st.frozensets(st.sampled_from(USERS), max_size=2),
    ),
    st.tuples(st.just("person"), st.just("every user"), st.integers(0, 20)),
    st.tuples(st.just("edit_deal"), st.sampled_from(USERS), st.integers(0, 20)),
    st.tuples(st.just("edit_claim"), st.sampled_from(USERS), st.integers(0, 20)),
)


def _snapshot(crm: CRM) -> tuple[Any, ...]:
    with crm.store.unit_of_work() as r:
        audit = r.audit.count() if r.audit is not None else None
        deals = sorted((d.id, d.version, d.title) for d in r.deals.find())
        claims = sorted((c.id, c.version, c.department) for c in r.claims.find())
        tasks = sorted(t.id for t in r.tasks.find()) if r.tasks is not None else None
        people = sorted(p.id for p in r.contact_persons.find_by_email("petr@example.com"))
        return deals, claims, tasks, people, r.stage_log.count(), audit


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
        elif kind == "task":
            _, assignee, co = step
            task = TaskDraft(
                title="Call",
                assignee=UserId(assignee),
                co_executors=tuple(UserId(user) for user in sorted(co - {assignee})),
            )
            crm.execute(CreateTask(draft=task), actor="system", now=NOW)
        elif kind == "person":
            for user in USERS:
                _add_person(crm, user, partner)
        else:
            _refused_changes_nothing(crm, step, deals, claims)
    return deals, claims


def _partner_keys(crm: CRM, partner: str) -> frozenset[str]:
    """The access keys of the partner, which its contact persons have too."""
    with crm.store.unit_of_work() as r:
        return record_keys("partner", r.partners.get(PartnerId(partner)))


def _add_person(crm: CRM, actor: str, partner: str) -> None:
    """A contact person added by ``actor``: stored when the policy lets them create one by
    the partner's keys, else refused with nothing stored."""
    assert crm.policy is not None
    control = AccessControl(crm.policy)
    keys = _partner_keys(crm, partner)
    allowed = control.permits(actor, Action.CREATE, "contact_person", None, keys=keys)
    draft = ContactPersonDraft(name="Petr", emails=["petr@example.com"])
    before = _snapshot(crm)
    try:
        crm.execute(AddContactPerson(partner_id=partner, draft=draft), actor=actor, now=NOW)
    except AccessDeniedError:
        assert not allowed
        assert _snapshot(crm) == before
    else:
        assert allowed


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
    _check_tasks_and_people(crm, control, user, partner)
    _check_export(crm, control, user, every_deal)


def _check_tasks_and_people(crm: CRM, control: AccessControl, user: str, partner: str) -> None:
    with crm.store.unit_of_work() as r:
        assert r.tasks is not None
        every_task = r.tasks.find()
        people = r.contact_persons.of_partner(PartnerId(partner))
        client = r.partners.get(PartnerId(partner))
    keys = record_keys("partner", client)
    readable = {t.id for t in every_task if control.permits(user, Action.READ, "task", t)}
    assert {t.id for t in crm.tasks(actor=user)} == readable
    for assignee in USERS:
        agenda = crm.task_agenda(assignee, now=NOW, actor=user)
        assert {t.id for t in (*agenda.today, *agenda.overdue)} <= readable
    if control.permits(user, Action.READ, "partner", client):
        shown = {p.id for p in crm.partner_view(partner, actor=user).contact_persons}
        assert shown == {
            p.id
            for p in people
            if control.permits(user, Action.READ, "contact_person", p, keys=keys)
        }


def _check_export(crm: CRM, control: AccessControl, user: str, every_deal: list[Any]) -> None:
    if not control.may_at_all(user, Action.EXPORT, "deal"):
        with pytest.raises(AccessDeniedError):
            crm.export("deal", actor=user)
        return
    exported = {row["id"] for row in crm.export("deal", actor=user)}
    assert exported == {d.id for d in every_deal if control.permits(user, Action.EXPORT, "deal", d)}


def _property(factory: Callable[[], Store]) -> Any:
    @given(
        policy=policies(),
        steps=st.lists(_STEP, min_size=1, max_size=8),
        manager=st.sampled_from((None, *USERS)),
    )
    def check(policy: AccessPolicy, steps: list[tuple[Any, ...]], manager: str | None) -> None:
        crm = CRM(factory(), policy=policy)
        draft = PartnerDraft(
            kind="legal_entity",
            roles=["client"],
            short_name="Romashka",
            responsible_manager=None if manager is None else UserId(manager),
        )
        partner = crm.execute(RegisterPartner(draft=draft, force=True), actor="system", now=NOW)
        partner_id = str(partner.result.id)
        _run(crm, steps, partner_id)
        control = AccessControl(policy)
        for user in USERS:
            _check_reads(crm, control, user, partner_id)

    return check


@pytest.mark.parametrize("factory", STORES, ids=store_ids)
def test_no_query_shows_what_the_policy_forbids(factory: Callable[[], Store]) -> None:
    examples = 50 if factory is STORES[0] else 8
    settings(max_examples=examples)(_property(factory))()
