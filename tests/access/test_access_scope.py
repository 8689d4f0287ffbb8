"""The repositories' scope filter, the same on every store: a query given an access scope
returns exactly the records whose access keys meet it, and follows their changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from access_samples import NOW, claim, interaction, open_deal, partner, request
from access_stores import STORES, store_ids

from crmcore.access import NOTHING
from crmcore.app import CRM, Settings
from crmcore.app.commands import AssignRequest, EditClaim, EditDeal, MoveDeal
from crmcore.app.store import Store
from crmcore.claims import ClaimEdit
from crmcore.errors import DomainValidationError
from crmcore.ids import PartnerId, PipelineId, UserId
from crmcore.memory import MemoryStageLog
from crmcore.visibility import AccessScope, co_executor_key, department_key, responsible_key

USERS: frozenset[str] = frozenset({"anna", "boris", "carl", "olga"})


def _scope(*keys: str) -> AccessScope:
    return AccessScope(keys=frozenset(keys))


@pytest.fixture(params=STORES, ids=store_ids)
def crm(request: pytest.FixtureRequest) -> CRM:
    factory: Callable[[], Store] = request.param
    return CRM(factory(), settings=Settings(users=USERS))  # type: ignore[arg-type]


def test_claims_are_found_within_a_scope(crm: CRM) -> None:
    client = partner(crm)
    annas = claim(crm, client, manager="anna")
    quality = claim(crm, client, manager=None, department="quality")
    claim(crm, client, manager="boris")
    with crm.store.unit_of_work() as r:
        assert [c.id for c in r.claims.find(scope=_scope(responsible_key("anna")))] == [annas]
        found = r.claims.find(scope=_scope(responsible_key("anna"), department_key("quality")))
        assert sorted(c.id for c in found) == sorted([annas, quality])
        assert r.claims.find(scope=NOTHING) == []
        assert len(r.claims.find(scope=None)) == 3
        assert r.claims.find(partner_id=PartnerId(client), scope=_scope(department_key("quality")))[
            0
        ].id == (quality)
    edit = EditClaim(claim_id=annas, edit=ClaimEdit(department="quality"))
    crm.execute(edit, actor="carl", now=NOW)
    with crm.store.unit_of_work() as r:
        found = r.claims.find(scope=_scope(department_key("quality")))
        assert sorted(c.id for c in found) == sorted([annas, quality])


def test_requests_are_found_within_a_scope_that_follows_their_manager(crm: CRM) -> None:
    annas = request(crm, manager="anna")
    boriss = request(crm, manager="boris")
    with crm.store.unit_of_work() as r:
        assert [q.id for q in r.requests.find(scope=_scope(responsible_key("anna")))] == [annas]
        assert r.requests.find(scope=NOTHING) == []
        assert len(r.requests.find()) == 2
    crm.execute(AssignRequest(request_id=annas, manager="boris"), actor="carl", now=NOW)
    with crm.store.unit_of_work() as r:
        found = r.requests.find(scope=_scope(responsible_key("boris")))
        assert sorted(q.id for q in found) == sorted([annas, boriss])


def test_interactions_are_found_within_a_scope(crm: CRM) -> None:
    annas = interaction(crm, responsible="anna")
    boriss = interaction(crm, responsible="boris")
    far = NOW.replace(year=2025), NOW.replace(year=2027)
    anna = _scope(responsible_key("anna"))
    with crm.store.unit_of_work() as r:
        assert [i.id for i in r.interactions.overdue(NOW, scope=anna)] == [annas]
        assert sorted(i.id for i in r.interactions.overdue(NOW)) == sorted([annas, boriss])
        assert r.interactions.overdue(NOW, user=UserId("boris"), scope=anna) == []
        of_anna = r.interactions.of_user(UserId("anna"), start=far[0], end=far[1], scope=anna)
        assert [i.id for i in of_anna] == [annas]
        of_boris = r.interactions.of_user(UserId("boris"), start=far[0], end=far[1], scope=anna)
        assert of_boris == []


def test_deals_and_their_stage_log_are_found_within_a_scope(crm: CRM) -> None:
    client = partner(crm)
    annas = open_deal(crm, client, manager="anna")
    helped = open_deal(crm, client, manager="boris", co=("anna",))
    boriss = open_deal(crm, client, manager="boris")
    crm.execute(MoveDeal(deal_id=boriss, stage="negotiation"), actor="carl", now=NOW)
    anna = _scope(responsible_key("anna"), co_executor_key("anna"))
    far = NOW - timedelta(days=1), NOW + timedelta(days=1)
    with crm.store.unit_of_work() as r:
        assert [d.id for d in r.deals.find(scope=anna)] == sorted([annas, helped])
        assert [d.id for d in r.deals.find(scope=_scope(co_executor_key("anna")))] == [helped]
        assert r.deals.find(partner_id=PartnerId(client), scope=NOTHING) == []
        assert len(r.deals.find(partner_id=PartnerId(client))) == 3
        logged = {change.deal_id for change in r.stage_log.between(*far, scope=anna)}
        assert logged == {annas, helped}
        boris = _scope(responsible_key("boris"))
        by_deal = [c.deal_id for c in r.stage_log.by_deal(*far, scope=boris)]
        assert by_deal == sorted([helped, boriss, boriss])
        assert list(r.stage_log.between(*far, pipeline_id=PipelineId("x"), scope=boris)) == []
        assert len(list(r.stage_log.between(*far))) == 4
    edit = EditDeal(deal_id=annas, changes={"responsible_manager": "boris"})
    crm.execute(edit, actor="carl", now=NOW)
    with crm.store.unit_of_work() as r:
        assert [d.id for d in r.deals.find(scope=anna)] == [helped]


def test_a_memory_stage_log_without_the_deals_refuses_a_scope() -> None:
    log = MemoryStageLog()
    with pytest.raises(DomainValidationError) as caught:
        log.between(NOW, NOW, scope=NOTHING)
    assert caught.value.fields == ("scope",)
    assert list(log.between(NOW, NOW)) == []


def test_the_migration_writes_the_keys_of_records_stored_before_it() -> None:
    from sqlalchemy import select  # noqa: PLC0415 - the sql extra only here

    from crmcore.sql import SqlStore  # noqa: PLC0415
    from crmcore.sql.access import backfill_keys  # noqa: PLC0415
    from crmcore.sql.metadata import access_keys  # noqa: PLC0415

    store = SqlStore.sqlite(":memory:")
    crm = CRM(store, settings=Settings(users=USERS))  # type: ignore[arg-type]
    deal_id = open_deal(crm, partner(crm), manager="anna")
    claim(crm, partner(crm, name="Lutik"), manager=None, department="quality")
    with store.database.begin("forget the keys", write=True) as connection:
        connection.execute(access_keys.delete())
    anna = _scope(responsible_key("anna"))
    with crm.store.unit_of_work() as r:
        assert r.deals.find(scope=anna) == []
    with store.database.begin("write the keys", write=True) as connection:
        backfill_keys(connection, store.database.converter)
        keys = set(connection.execute(select(access_keys.c.key)).scalars())
    assert keys == {responsible_key("anna"), department_key("quality")}
    with crm.store.unit_of_work() as r:
        assert [d.id for d in r.deals.find(scope=anna)] == [deal_id]
    store.close()
