"""The access policy: parsing with every problem at once, scopes, sensitive fields."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from crmcore.access import (
    NOTHING,
    AccessControl,
    AccessPolicy,
    Action,
    Department,
    Permission,
    RecordKind,
    Role,
    Scope,
    SensitiveField,
    User,
    parse_policy,
    record_keys,
    record_kind,
    register_kind,
)
from crmcore.deals import Deal, DealKind
from crmcore.errors import AccessDeniedError, DomainValidationError
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.money import Money
from crmcore.serialization import make_converter
from crmcore.visibility import (
    AccessScope,
    admits,
    co_executor_key,
    department_key,
    responsible_key,
)

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)

POLICY: dict[str, Any] = {
    "departments": [
        {"id": "sales", "head": "u-head"},
        {"id": "north", "parent": "sales", "head": "u-north"},
        {"id": "south", "parent": "sales"},
        {"id": "support"},
    ],
    "users": [
        {"id": "u-head", "department": "sales", "roles": ["head"]},
        {"id": "u-north", "department": "north", "roles": ["lead"]},
        {"id": "u-anna", "department": "north", "roles": ["manager"]},
        {"id": "u-boris", "department": "south", "roles": ["manager"]},
        {"id": "u-carl", "department": "support", "roles": ["admin"]},
    ],
    "roles": [
        {
            "id": "head",
            "permissions": [
                {"kind": "*", "action": "read", "scope": "department_and_below"},
                {"kind": "deal", "action": "run_reports", "scope": "department_and_below"},
            ],
            "rights": ["see_amounts"],
        },
        {"id": "lead", "permissions": [{"kind": "deal", "action": "read", "scope": "department"}]},
        {
            "id": "manager",
            "permissions": [
                {"kind": "deal", "action": "read", "scope": "own"},
                {"kind": "deal", "action": "read", "scope": "co_executor"},
                {"kind": "deal", "action": "change", "scope": "own"},
            ],
        },
        {"id": "admin", "permissions": [{"kind": "*", "action": "change", "scope": "all"}]},
    ],
    "sensitive": [{"kind": "deal", "field": "amount", "right": "see_amounts"}],
}


def deal(manager: str, *, co: tuple[str, ...] = (), amount: str | None = None) -> Deal:
    return Deal(
        id=DealId(f"d-{manager}"),
        title="Pumps",
        partner_id=PartnerId("p-1"),
        pipeline_id=PipelineId("typical_sale"),
        kind=DealKind.MANUAL,
        stage="first_contact",
        amount=None if amount is None else Money.of(amount, "RUB"),
        responsible_manager=UserId(manager),
        co_executors=frozenset(UserId(user) for user in co),
        created_at=AT,
        stage_entered_at=AT,
    )


@pytest.fixture
def control() -> AccessControl:
    return AccessControl(parse_policy(POLICY))


def test_a_policy_round_trips_through_json() -> None:
    policy = parse_policy(POLICY)
    converter = make_converter()
    assert parse_policy(converter.unstructure(policy)) == policy


def test_parsing_lists_every_problem_at_once() -> None:
    data = {
        "departments": [{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"}],
        "users": [{"id": "u", "department": "x", "roles": ["nobody"]}],
        "roles": [],
    }
    with pytest.raises(DomainValidationError) as caught:
        parse_policy(data)
    assert set(caught.value.fields) == {
        "departments[0].parent",
        "departments[1].parent",
        "users[0].department",
        "users[0].roles",
    }


def test_parsing_reports_unknown_kinds_beside_bad_values() -> None:
    data = {
        "roles": [{"id": "r", "permissions": [{"kind": "planet", "action": "fly"}]}],
        "sensitive": [{"kind": "comet", "field": "tail", "right": "r"}],
    }
    with pytest.raises(DomainValidationError) as caught:
        parse_policy(data)
    assert set(caught.value.fields) == {
        "roles[0].permissions[0].action",
        "roles[0].permissions[0].kind",
        "sensitive[0].kind",
    }


def test_parsing_refuses_unknown_keys_and_fields_without_a_default() -> None:
    with pytest.raises(DomainValidationError) as caught:
        parse_policy({"users": [], "groups": []})
    assert caught.value.fields == ("groups",)
    bad_fields = {
        "roles": [{"id": "r", "permissions": [{"kind": "planet", "action": "read"}]}],
        "sensitive": [
            {"kind": "deal", "field": "wings", "right": "r"},
            {"kind": "deal", "field": "title", "right": "r"},
        ],
    }
    with pytest.raises(DomainValidationError) as caught:
        parse_policy(bad_fields)
    assert caught.value.fields == (
        "roles[0].permissions[0].kind",
        "sensitive[0].field",
        "sensitive[1].field",
    )


def test_parsing_refuses_input_beyond_the_limits() -> None:
    with pytest.raises(DomainValidationError):
        parse_policy({"users": [{"id": "u"}] * 5_000})
    with pytest.raises(DomainValidationError):
        parse_policy(["not", "a", "mapping"])


def test_a_built_policy_is_checked_against_the_kinds() -> None:
    role = Role(id="r", permissions=(Permission(kind="planet", action=Action.READ),))
    with pytest.raises(DomainValidationError) as caught:
        AccessControl(AccessPolicy(roles=(role,)))
    assert caught.value.fields == ("roles[0].permissions[0].kind",)


def test_scopes_follow_the_department_tree(control: AccessControl) -> None:
    head = control.scope("u-head", Action.READ, "deal")
    assert head is not None
    assert {responsible_key(u) for u in ("u-head", "u-north", "u-anna", "u-boris")} <= head.keys
    assert department_key("south") in head.keys
    lead = control.scope("u-north", Action.READ, "deal")
    assert lead == AccessScope(
        keys=frozenset(
            {responsible_key("u-north"), responsible_key("u-anna"), department_key("north")}
        )
    )
    manager = control.scope("u-anna", Action.READ, "deal")
    assert manager == AccessScope(
        keys=frozenset({responsible_key("u-anna"), co_executor_key("u-anna")})
    )
    assert control.scope("u-carl", Action.CHANGE, "claim") is None
    assert control.scope("u-anna", Action.DELETE, "deal") == NOTHING
    assert control.scope("stranger", Action.READ, "deal") == NOTHING
    assert control.scope("u-anna", Action.READ, "deal") is manager


def test_permits_reads_the_record_keys(control: AccessControl) -> None:
    assert control.permits("u-anna", Action.READ, "deal", deal("u-anna"))
    assert control.permits("u-anna", Action.READ, "deal", deal("u-boris", co=("u-anna",)))
    assert not control.permits("u-anna", Action.READ, "deal", deal("u-boris"))
    assert control.permits("u-head", Action.READ, "deal", deal("u-boris"))
    assert not control.permits("u-north", Action.READ, "deal", deal("u-boris"))
    assert control.permits("u-carl", Action.CHANGE, "deal", deal("u-boris"))
    assert control.may_at_all("u-anna", Action.CHANGE, "deal")
    assert not control.may_at_all("u-anna", Action.RUN_REPORTS, "deal")
    with pytest.raises(AccessDeniedError) as caught:
        control.require("u-anna", Action.CHANGE, "deal", deal("u-boris"), record_id="d-u-boris")
    error = caught.value
    assert (error.actor, error.action, error.entity_type, error.entity_id) == (
        "u-anna",
        "change",
        "deal",
        "d-u-boris",
    )
    assert "may not change deal 'd-u-boris'" in str(error)
    assert isinstance(error, PermissionError)
    again = pickle.loads(pickle.dumps(error))
    assert (again.action, again.entity_id, again.fields) == ("change", "d-u-boris", ())


def test_sensitive_fields_are_hidden_and_refused(control: AccessControl) -> None:
    priced = deal("u-anna", amount="100")
    assert control.hidden("u-anna", "deal") == {"amount"}
    assert control.hidden("u-head", "deal") == frozenset()
    assert control.redact("u-anna", "deal", priced).amount is None
    assert control.redact("u-head", "deal", priced) is priced
    assert control.redact("u-anna", "claim", priced) is priced
    assert control.hidden("stranger", "deal") == {"amount"}
    assert control.refused_fields("u-anna", "planet", None, priced) == ()
    assert control.refused_fields("u-anna", "deal", None, priced) == ("amount",)
    assert control.refused_fields("u-anna", "deal", None, deal("u-anna")) == ()
    cheaper = attrs.evolve(priced, amount=Money.of("90", "RUB"))
    assert control.refused_fields("u-anna", "deal", priced, cheaper) == ("amount",)
    assert control.refused_fields("u-anna", "deal", priced, attrs.evolve(priced, title="X")) == ()
    with pytest.raises(AccessDeniedError) as caught:
        control.require_fields("u-anna", Action.CHANGE, "deal", priced, cheaper)
    assert caught.value.fields == ("amount",)
    assert "(fields: amount)" in str(caught.value)
    control.require_fields("u-head", Action.CHANGE, "deal", priced, cheaper)


def test_a_new_kind_plugs_in_by_data() -> None:
    @attrs.frozen(kw_only=True)
    class Visit:
        id: str
        owner: str
        helpers: tuple[str, ...] = ()
        team: str | None = None
        notes: tuple[str, ...] = attrs.field(factory=tuple)

    register_kind(
        RecordKind(
            name="visit",
            model=Visit,
            responsible=lambda v: v.owner,
            co_executors=lambda v: v.helpers,
            department=lambda v: v.team,
        )
    )
    visit = Visit(id="v-1", owner="u-anna", helpers=("u-boris",), team="north", notes=("x",))
    assert record_keys("visit", visit) == {
        responsible_key("u-anna"),
        co_executor_key("u-boris"),
        department_key("north"),
    }
    kind = record_kind("visit")
    assert kind is not None
    assert "notes" in kind.field_names()
    policy = AccessPolicy(
        users=(User(id=UserId("u-boris"), roles=frozenset({"helper"})),),
        roles=(
            Role(
                id="helper",
                permissions=(
                    Permission(kind="visit", action=Action.READ, scope=Scope.CO_EXECUTOR),
                ),
            ),
        ),
        sensitive=(SensitiveField(kind="visit", field="notes", right="notes"),),
    )
    control = AccessControl(policy)
    assert control.permits("u-boris", Action.READ, "visit", visit)
    assert control.redact("u-boris", "visit", visit).notes == ()
    assert record_keys("unknown", visit) == frozenset()
    with pytest.raises(DomainValidationError):
        register_kind(RecordKind(name="bad", model=int))


def test_the_department_model_checks_its_fields() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Department(id=" ", parent="")
    assert set(caught.value.fields) == {"id", "parent"}


def test_admits_without_a_scope_admits_everything() -> None:
    assert admits(None, ())
    assert not admits(NOTHING, {responsible_key("u")})
