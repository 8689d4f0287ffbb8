"""Every entry point of crmcore that takes data from outside, with hostile payloads for it.

An :class:`EntryPoint` names a way in (a form, a ``changes`` mapping, a stored record, a rule
or pipeline definition, custom values, money), draws payloads for it (hostile values,
type confusion, huge numbers, deep nesting, valid payloads spoiled in one place) and runs
one against a memory repository. :func:`attempt` says how the call ended: accepted, refused
with a :class:`~crmcore.errors.CRMError`, or with anything else, which is a defect; and
whether a refused call left the repository as it was.

The hostile test suite drives every entry point through hypothesis; the benchmark in
``benchmarks/hostile/`` runs thousands of payloads per entry point and reports the slowest.

>>> outcome = attempt(entry_point("edit_partner"), {"short_name": None, 5: []})
>>> outcome.result, outcome.unchanged
('refused', True)
"""

from __future__ import annotations

import copy
import pickle
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, Final, Literal

import attrs
from hypothesis import strategies as st

from crmcore.claims import (
    Claimant,
    ClaimDraft,
    ClaimEdit,
    ClaimReason,
    ClaimSettings,
    ReasonClassifier,
    edit_claim,
    register_claim,
    register_claim_from_form,
)
from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import TYPICAL_SALE, Deal, DealDraft, edit_deal, open_deal, parse_pipeline
from crmcore.deals.gates import BUILTIN_GATES
from crmcore.errors import CRMError
from crmcore.ids import (
    ClaimId,
    ContactPersonId,
    DealId,
    InteractionId,
    PartnerId,
    RequestId,
    UserId,
)
from crmcore.interactions import InteractionDraft, create_interaction
from crmcore.matching import DuplicateIndex, FieldKind, FieldSpec, MatchModel
from crmcore.memory import (
    MemoryContactPersonRepository,
    MemoryDealRepository,
    MemoryPartnerRepository,
    MemoryRequestRepository,
)
from crmcore.money import Money
from crmcore.partners import (
    ContactPersonDraft,
    Partner,
    PartnerDraft,
    PartnerRole,
    add_contact_person,
    create_partner,
    edit_contact_person,
    edit_partner,
)
from crmcore.requests import edit_request, register_request_from_form
from crmcore.rules import Rule, SchemaRegistry, default_schemas, parse_rule
from crmcore.serialization import make_converter
from crmcore.testing._hostile_app import (
    COMMANDS,
    command_payloads,
    crm_snapshot,
    run_command,
    seeded_crm,
)
from crmcore.testing.strategies.intake import hostile_texts, hostile_values
from crmcore.workcalendar import HolidayRule, WorkingCalendar

__all__ = ["Attempt", "EntryPoint", "attempt", "command_bodies", "entry_point", "entry_points"]

NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_CONVERTER: Final = make_converter()
_REGISTRY: Final = (
    CustomFieldRegistry()
    .with_field("partner", CustomField(name="employees", type=CustomFieldType.INTEGER))
    .with_field("partner", CustomField(name="notes", type=CustomFieldType.TEXT))
    .with_field("partner", CustomField(name="margin", type=CustomFieldType.DECIMAL))
    .with_field("partner", CustomField(name="founded", type=CustomFieldType.DATE))
)
_PARTNER: Final[dict[str, Any]] = {
    "kind": "legal_entity",
    "roles": ["client"],
    "short_name": "ООО «Ромашка»",
    "tax_id": "7707083893",
    "kpp": "770701001",
    "phones": ["8 (495) 123-45-67"],
    "emails": ["info@romashka.ru"],
}
_PARTNER_CHANGES: Final[dict[str, Any]] = {
    "short_name": "ООО «Ромашка-2»",
    "roles": ["client", "dealer"],
    "phones": ["+7 495 765-43-21"],
    "custom": {"employees": 40},
}
_DEAL: Final[dict[str, Any]] = {"title": "Трубы", "partner_id": "p-1", "responsible_manager": "u-1"}
_DEAL_CHANGES: Final[dict[str, Any]] = {
    "title": "Трубы и фитинги",
    "amount": Money.of("150000.00", "RUB"),
    "co_executors": frozenset({"u-2"}),
}
_REQUEST_CHANGES: Final[dict[str, Any]] = {"estimated_amount": Money.of("90000", "RUB")}
_REQUEST_EDITABLE: Final = ("contact", "items", "estimated_amount", "campaign", "custom")
_REQUEST_FORM: Final[dict[str, Any]] = {
    "name": "Анна Смирнова",
    "company": "ООО «Север»",
    "email": "anna@sever.example",
    "phone": "+7 914 000-12-34",
    "message": "Нужны ящики\r\nк весне",
    "items": [{"product": "Ящик 60x40", "quantity": 300, "unit": "шт"}],
    "website": "",
}
_CLAIM_FORM: Final[dict[str, Any]] = {
    "name": "Анна Смирнова",
    "email": "a.smirnova@romashka.ru",
    "essence": "Ящики пришли разбитыми",
}
_CLAIM_EDIT: Final[dict[str, Any]] = {"reasons": ["packaging"], "department": "Склад"}
_INTERACTION: Final[dict[str, Any]] = {
    "kind": "call",
    "topic": "Delivery terms",
    "start": NOW,
    "direction": "incoming",
    "partner_id": "p-1",
}
_MATCH_RECORD: Final[dict[str, Any]] = {
    "name": "ООО Ромашка",
    "phone": "+74951234567",
    "email": "info@romashka.ru",
    "address": "Москва, ул. Ленина, 1",
}
_RULE: Final[dict[str, Any]] = {
    "id": "big-deals",
    "name": "Big deals go to the head of sales",
    "trigger": {"entity": "deal", "on": "created"},
    "when": {"all": [{"field": "amount", "op": "gt", "value": 100000}]},
    "then": [{"action": "assign_manager", "strategy": "head_of_department"}],
}

Result = Literal["accepted", "refused", "foreign"]


@attrs.frozen(kw_only=True)
class Attempt:
    """How one call ended: ``result``, the ``error`` (``None`` when accepted), the time it
    took (wall clock, and CPU time of the calling thread, which other processes on a busy
    machine do not inflate), and whether the repository was as before it (always so when
    accepted)."""

    result: Result
    error: BaseException | None
    seconds: float
    unchanged: bool
    cpu_seconds: float = 0.0


@attrs.frozen(kw_only=True)
class EntryPoint:
    """A way in for data from outside.

    ``valid`` is a payload it accepts, of which ``payloads`` are mutations among other
    hostile values; ``run(payload, store)`` calls crmcore with the payload and stores what
    it accepts in ``store`` (memory repositories made by ``store_factory``);
    ``snapshot(store)`` is what a refused call must leave as it was.
    """

    name: str
    valid: Any
    payloads: st.SearchStrategy[Any]
    run: Callable[[Any, Any], object]
    store_factory: Callable[[], Any] = dict
    snapshot: Callable[[Any], object] = repr


def attempt(entry: EntryPoint, payload: Any) -> Attempt:
    """Run ``entry`` with ``payload`` on a fresh store; never raises."""
    store = entry.store_factory()
    before = entry.snapshot(store)
    given = _frozen(payload)
    started, cpu_started = time.perf_counter(), time.thread_time()
    try:
        entry.run(payload, store)
    except CRMError as error:
        result: Result = "refused"
        failure: BaseException | None = error
    except Exception as error:  # what the promise forbids: reported, not raised
        result, failure = "foreign", error
    else:
        result, failure = "accepted", None
    seconds, cpu_seconds = time.perf_counter() - started, time.thread_time() - cpu_started
    unchanged = result == "accepted" or (
        entry.snapshot(store) == before and _frozen(payload) == given
    )
    return Attempt(
        result=result, error=failure, seconds=seconds, unchanged=unchanged, cpu_seconds=cpu_seconds
    )


def _frozen(payload: Any) -> bytes | None:
    """The payload as bytes, to see that crmcore did not change what it was given."""
    try:
        return pickle.dumps(payload)
    except Exception:  # a payload that does not pickle is compared by nothing
        return None


def _spoiled(valid: Mapping[str, Any], *, keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """``valid`` with one field replaced by a hostile value, dropped, or with an extra key."""
    names = st.sampled_from(keys)
    replaced = st.tuples(names, hostile_values()).map(lambda c: {**valid, c[0]: c[1]})
    dropped = names.map(lambda name: {k: v for k, v in valid.items() if k != name})
    extra = st.tuples(hostile_texts(max_size=30) | st.integers(), hostile_values()).map(
        lambda c: {**valid, c[0]: c[1]}
    )
    deep = _deep_spoiled(valid)
    return st.one_of(replaced, dropped, extra, deep, st.just(dict(valid)))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value``'s lists and mappings, its own included."""
    found = [prefix]
    if isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, Mapping):
        return {**value, head: _replaced(value[head], rest, new)}
    return [
        _replaced(item, rest, new) if index == head else item for index, item in enumerate(value)
    ]


def _deep_spoiled(valid: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """``valid`` with one value at any depth (a stage's probability, a holiday rule)
    replaced by a hostile value."""
    paths = [path for path in _paths(dict(valid)) if path]
    if not paths:
        return st.just(dict(valid))
    values = st.one_of(hostile_values(), _dates(), _huge())
    return st.tuples(st.sampled_from(paths), values).map(
        lambda case: _replaced(dict(valid), case[0], case[1])
    )


def _mapping_payloads(valid: Mapping[str, Any], keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    junk_keys = st.sampled_from(keys) | hostile_texts(max_size=30) | st.integers()
    junk = st.dictionaries(junk_keys, hostile_values(), max_size=len(keys) + 3)
    return st.one_of(_spoiled(valid, keys=keys), junk, hostile_values(), _huge())


def _huge() -> st.SearchStrategy[Any]:
    """Payloads past the documented limits: deep, wide, long, large."""

    def nested(depth: int) -> Any:
        value: Any = "x"
        for _ in range(depth):
            value = {"a": value} if depth % 2 else [value]
        return value

    return st.one_of(
        st.integers(40, 400).map(nested),
        st.integers(1_001, 30_000).map(lambda n: list(range(n))),
        st.integers(1_001, 5_000).map(lambda n: {f"k{i}": i for i in range(n)}),
        st.sampled_from((10**5000, -(10**400), "x" * 1_000_000, Decimal("1e999999"))),
    )


def _dates() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.datetimes(timezones=st.just(UTC)),
        st.datetimes(),
        st.sampled_from((datetime.max, datetime.min, date.max, date.min, timedelta.max)),
    )


def _draft_payloads(valid: Mapping[str, Any], keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    values = st.one_of(hostile_values(), _dates(), _huge())
    names = st.sampled_from(keys)
    replaced = st.tuples(names, values).map(lambda c: {**valid, c[0]: c[1]})
    many = st.dictionaries(names, values, max_size=len(keys)).map(lambda d: {**valid, **d})
    return st.one_of(replaced, many, st.just(dict(valid)))


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(cls))


def _partner() -> Partner:
    return create_partner(PartnerDraft(**_PARTNER), partner_id=PartnerId("p-1"), now=NOW).entity


def _partners() -> MemoryPartnerRepository:
    repository = MemoryPartnerRepository()
    repository.add(_partner())
    return repository


def _edit_partner(changes: Any, repository: MemoryPartnerRepository) -> None:
    partner = repository.get(PartnerId("p-1"))
    outcome = edit_partner(partner, changes=changes, now=NOW, custom_fields=_REGISTRY)
    repository.save(outcome.entity, expected_version=partner.version)


def _contacts() -> MemoryContactPersonRepository:
    repository = MemoryContactPersonRepository()
    person = add_contact_person(
        ContactPersonDraft(name="Анна Смирнова"),
        partner=_partner(),
        now=NOW,
        contact_person_id=ContactPersonId("c-1"),
    )
    repository.add(person.entity)
    return repository


def _edit_contact(changes: Any, repository: MemoryContactPersonRepository) -> None:
    person = repository.get(ContactPersonId("c-1"))
    outcome = edit_contact_person(person, changes=changes, now=NOW, custom_fields=_REGISTRY)
    repository.save(outcome.entity, expected_version=person.version)


def _deals() -> MemoryDealRepository:
    repository = MemoryDealRepository()
    deal = open_deal(DealDraft(**_DEAL), pipeline=TYPICAL_SALE, now=NOW, deal_id=DealId("d-1"))
    repository.add(deal.entity)
    return repository


def _edit_deal(changes: Any, repository: MemoryDealRepository) -> None:
    deal = repository.get(DealId("d-1"))
    outcome = edit_deal(deal, changes=changes, now=NOW)
    repository.save(outcome.entity, expected_version=deal.version)


def _open_deal(fields: Any, repository: MemoryDealRepository) -> None:
    outcome = open_deal(DealDraft(**fields), pipeline=TYPICAL_SALE, now=NOW)
    repository.add(outcome.entity)


def _requests() -> MemoryRequestRepository:
    repository = MemoryRequestRepository()
    outcome = register_request_from_form(
        _REQUEST_FORM, source="website_form", now=NOW, request_id=RequestId("r-1")
    )
    repository.add(outcome.entity)
    return repository


def _request_form(payload: Any, repository: MemoryRequestRepository) -> None:
    outcome = register_request_from_form(
        payload, source="website_form", now=NOW, request_id=RequestId("r-2")
    )
    repository.add(outcome.entity)


def _edit_request(changes: Any, repository: MemoryRequestRepository) -> None:
    request = repository.get(RequestId("r-1"))
    outcome = edit_request(request, changes=changes, now=NOW, actor=None)
    repository.save(outcome.entity, expected_version=request.version)


def _claim_form(payload: Any, store: dict[str, Any]) -> None:
    outcome = register_claim_from_form(
        payload, claim_id=ClaimId("c-1"), now=NOW, settings=_claim_settings()
    )
    store["claim"] = outcome.entity


def _claims() -> dict[str, Any]:
    outcome = register_claim_from_form(
        _CLAIM_FORM, claim_id=ClaimId("c-1"), now=NOW, settings=_claim_settings()
    )
    return {"claim": outcome.entity}


def _edit_claim(fields: Any, store: dict[str, Any]) -> None:
    edit = ClaimEdit(**fields)
    store["claim"] = edit_claim(store["claim"], edit, now=NOW, settings=_claim_settings()).entity


def _claim_of(store: dict[str, Any]) -> object:
    return store["claim"]


@cache
def _claim_settings() -> ClaimSettings:
    reasons = ReasonClassifier(reasons=(ClaimReason(code="packaging", name="Packaging"),))
    new_year = HolidayRule(name="New year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1")
    calendar = WorkingCalendar(time_zone="Europe/Moscow", holiday_rules=(new_year,))
    return ClaimSettings(reasons=reasons, calendar=calendar)


def _claim_draft(fields: Any, store: dict[str, Any]) -> None:
    draft = ClaimDraft(**fields)
    outcome = register_claim(draft, claim_id=ClaimId("c-2"), now=NOW, settings=_claim_settings())
    store["claim"] = outcome.entity


_CLAIM_DRAFT: Final[dict[str, Any]] = {
    "claimant": Claimant(role=PartnerRole.CLIENT, name="Анна Смирнова"),
    "essence": "Ящики пришли разбитыми",
    "channel": "email",
    "reasons": ["packaging"],
}


def command_bodies(only: str | None = None) -> st.SearchStrategy[tuple[str, Any]]:
    """A command's name with its JSON body spoiled, for every command of the application
    (or the one called ``only``)."""
    branches = []
    for name, body in sorted(command_payloads().items()):
        if only is not None and name != only:
            continue
        keys = _fields(COMMANDS[name])
        branches.append(st.tuples(st.just(name), _mapping_payloads(body, keys or ("x",))))
    return st.one_of(branches)


def _partner_draft(fields: Any, repository: MemoryPartnerRepository) -> None:
    outcome = create_partner(PartnerDraft(**fields), now=NOW, custom_fields=_REGISTRY)
    repository.add(outcome.entity)


def _interaction(fields: Any, store: dict[str, Any]) -> None:
    draft = InteractionDraft(**fields)
    store["interaction"] = create_interaction(
        draft, interaction_id=InteractionId("i-1"), author=UserId("u-1"), now=NOW
    ).entity


def _index() -> DuplicateIndex:
    kinds = {
        "name": FieldKind.COMPANY_NAME,
        "phone": FieldKind.PHONE,
        "email": FieldKind.EMAIL,
        "address": FieldKind.ADDRESS,
    }
    fields = [FieldSpec(name=name, kind=kind) for name, kind in kinds.items()]
    index = DuplicateIndex(MatchModel(fields=fields))
    index.add("r-1", _MATCH_RECORD)
    return index


def _match(record: Any, index: DuplicateIndex) -> None:
    index.query(record)
    index.add("r-2", record)


def _matches_of_seed(index: DuplicateIndex) -> object:
    return [candidate.record_id for candidate in index.query(_MATCH_RECORD)]


def _stored(model: type) -> Callable[[Any, dict[str, Any]], None]:
    def run(payload: Any, store: dict[str, Any]) -> None:
        store["record"] = _CONVERTER.structure(payload, model)

    return run


def _settings(payload: Any, store: dict[str, Any]) -> None:
    settings = _CONVERTER.structure(payload, ClaimSettings)
    # Reading the calendar expands its holiday rules: their cost belongs to the payload.
    settings.calendar.add_working_time(NOW, timedelta(hours=8))
    store["settings"] = settings


@cache
def _rule_schemas() -> SchemaRegistry:
    """The default schemas, built once as a host builds them, not for every payload."""
    return default_schemas()


def _rule(payload: Any, store: dict[str, Any]) -> None:
    rule: Rule = parse_rule(payload, schemas=_rule_schemas(), converter=_CONVERTER)
    store["rule"] = rule


def _pipeline(payload: Any, store: dict[str, Any]) -> None:
    store["pipeline"] = parse_pipeline(payload, gates=tuple(BUILTIN_GATES), converter=_CONVERTER)


def _custom(payload: Any, store: dict[str, Any]) -> None:
    store["custom"] = _REGISTRY.validate("partner", payload)


def _money(payload: Any, store: dict[str, Any]) -> None:
    amount, currency, factor, ratios = payload
    money = Money.of(amount, currency)
    store["money"] = (money * factor, money.allocate(ratios))


_VALID_MONEY: Final = ("1999.90", "RUB", 3, [1, 1, 1])


def _money_payloads() -> st.SearchStrategy[Any]:
    amounts = st.one_of(
        st.decimals(), st.integers(), hostile_texts(max_size=80), st.sampled_from(("1e999999",))
    )
    currencies = st.sampled_from(("RUB", "RUB\n", "RUS", "rub", "JPY")) | hostile_texts()
    factors = st.one_of(st.decimals(), st.integers(), st.sampled_from((10**5000,)))
    ratios = st.one_of(st.lists(st.decimals() | st.integers(), max_size=8), hostile_values())
    return st.tuples(amounts, currencies, factors, ratios) | st.just(_VALID_MONEY)


def _unstructured(value: object) -> Any:
    return copy.deepcopy(_CONVERTER.unstructure(value))


def _seeded(entity_id: str) -> Callable[[Any], object]:
    """What a refused call must leave: how many entities the repository holds, and the one it
    was seeded with."""

    def snapshot(repository: Any) -> object:
        count = repository.count() if hasattr(repository, "count") else None
        return count, repository.get(entity_id)

    return snapshot


@cache
def entry_points() -> tuple[EntryPoint, ...]:
    """Every entry point for data from outside, each with its payloads."""
    partner = _unstructured(_partner())
    deal = _unstructured(_deals().get(DealId("d-1")))
    pipeline = _unstructured(TYPICAL_SALE)
    settings = _unstructured(_claim_settings())
    by_repository: dict[str, Any] = {"store_factory": _partners, "snapshot": _seeded("p-1")}
    return (
        EntryPoint(
            name="partner_draft",
            valid=_PARTNER,
            payloads=_draft_payloads(_PARTNER, _fields(PartnerDraft)),
            run=_partner_draft,
            **by_repository,
        ),
        EntryPoint(
            name="edit_partner",
            valid=_PARTNER_CHANGES,
            payloads=_mapping_payloads(_PARTNER_CHANGES, _fields(Partner)),
            run=_edit_partner,
            **by_repository,
        ),
        EntryPoint(
            name="edit_contact_person",
            valid={"name": "Анна"},
            payloads=_mapping_payloads({"name": "Анна"}, _fields(ContactPersonDraft)),
            run=_edit_contact,
            store_factory=_contacts,
            snapshot=_seeded("c-1"),
        ),
        EntryPoint(
            name="deal_draft",
            valid=_DEAL,
            payloads=_draft_payloads(_DEAL, _fields(DealDraft)),
            run=_open_deal,
            store_factory=_deals,
            snapshot=_seeded("d-1"),
        ),
        EntryPoint(
            name="edit_deal",
            valid=_DEAL_CHANGES,
            payloads=_mapping_payloads(_DEAL_CHANGES, _fields(Deal)),
            run=_edit_deal,
            store_factory=_deals,
            snapshot=_seeded("d-1"),
        ),
        EntryPoint(
            name="request_form",
            valid=_REQUEST_FORM,
            payloads=_mapping_payloads(_REQUEST_FORM, tuple(_REQUEST_FORM)),
            run=_request_form,
            store_factory=_requests,
            snapshot=_seeded("r-1"),
        ),
        EntryPoint(
            name="edit_request",
            valid=_REQUEST_CHANGES,
            payloads=_mapping_payloads(_REQUEST_CHANGES, _REQUEST_EDITABLE),
            run=_edit_request,
            store_factory=_requests,
            snapshot=_seeded("r-1"),
        ),
        EntryPoint(
            name="claim_form",
            valid=_CLAIM_FORM,
            payloads=_mapping_payloads(_CLAIM_FORM, tuple(_CLAIM_FORM)),
            run=_claim_form,
        ),
        EntryPoint(
            name="edit_claim",
            valid=_CLAIM_EDIT,
            payloads=_draft_payloads(_CLAIM_EDIT, _fields(ClaimEdit)),
            run=_edit_claim,
            store_factory=_claims,
            snapshot=_claim_of,
        ),
        EntryPoint(
            name="interaction_draft",
            valid=_INTERACTION,
            payloads=_draft_payloads(_INTERACTION, _fields(InteractionDraft)),
            run=_interaction,
        ),
        EntryPoint(
            name="stored_partner",
            valid=partner,
            payloads=_mapping_payloads(partner, tuple(partner)),
            run=_stored(Partner),
        ),
        EntryPoint(
            name="stored_deal",
            valid=deal,
            payloads=_mapping_payloads(deal, tuple(deal)),
            run=_stored(Deal),
        ),
        EntryPoint(
            name="settings_json",
            valid=settings,
            payloads=_mapping_payloads(settings, tuple(settings)),
            run=_settings,
        ),
        EntryPoint(
            name="rule_json",
            valid=_RULE,
            payloads=_mapping_payloads(_RULE, tuple(_RULE)),
            run=_rule,
        ),
        EntryPoint(
            name="pipeline_json",
            valid=pipeline,
            payloads=_mapping_payloads(pipeline, tuple(pipeline)),
            run=_pipeline,
        ),
        EntryPoint(
            name="custom_values",
            valid={"employees": 5},
            payloads=_mapping_payloads(
                {"employees": 5}, ("employees", "notes", "margin", "founded")
            ),
            run=_custom,
        ),
        EntryPoint(
            name="match_record",
            valid={**_MATCH_RECORD, "name": "ООО «Ромашка-2»"},
            payloads=_mapping_payloads(_MATCH_RECORD, tuple(_MATCH_RECORD)),
            run=_match,
            store_factory=_index,
            snapshot=_matches_of_seed,
        ),
        EntryPoint(name="money", valid=_VALID_MONEY, payloads=_money_payloads(), run=_money),
        EntryPoint(
            name="claim_draft",
            valid=_CLAIM_DRAFT,
            payloads=_draft_payloads(_CLAIM_DRAFT, _fields(ClaimDraft)),
            run=_claim_draft,
        ),
        EntryPoint(
            name="app_command",
            valid=("register_partner", command_payloads()["register_partner"]),
            payloads=command_bodies(),
            run=run_command,
            store_factory=seeded_crm,
            snapshot=crm_snapshot,
        ),
    )


def entry_point(name: str) -> EntryPoint:
    """The entry point called ``name``."""
    return next(entry for entry in entry_points() if entry.name == name)
