"""Benchmark of crmcore.app; prints one JSON object per line.

Commands per second through ``CRM.in_memory`` for a realistic mix, beside the same work done
by hand in the same run: the area services called on the memory repositories, the duplicate
indexes kept by the host, the same rules run with a ``RuleEngine``, the round-robin assignment
carried out through the requests' service, and the SMS put in an outbox with the client's
phone. Each round of the mix, on a base of partners imported before:

1. register a partner through the duplicate check
   (``force``: the few a duplicate check finds similar are registered all the same);
2. open a deal of it in the manual sale (won at any stage);
3. move the deal to qualification;
4. record a call with the client about the deal;
5. take in a web form from the client (bound to its card by the duplicate check), which a
   rule assigns to the sales team round robin;
6. win the deal, which a rule answers with an SMS to the client.

The overhead of the layer is CRM's time over the by-hand time, less one; the target is under
30%. Both runs must store the same records and the same outbox, which is checked. The same
mix through ``CRM.sqlite`` (a file in a temporary folder) is given for reference. The
in-memory figures are the process's CPU time (``time.process_time``: both ways are CPU-bound,
and other jobs on the machine skew them less), the SQLite one wall-clock time
(``time.perf_counter``: it waits on the file); each is the best of three passes on new
stores, the in-memory ones interleaved.
Run from the repository root::

    python benchmarks/app/bench_app.py [--rounds N] [--base N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import attrs

from crmcore.app import CRM, OutboxMessage, Recipient, Repositories, Settings
from crmcore.app.commands import (
    CRMCommand,
    MoveDeal,
    OpenDeal,
    ReceiveWebForm,
    RecordInteraction,
    RegisterPartner,
    WinDeal,
)
from crmcore.deals import MANUAL_SALE, DealDraft, GateContext, move_deal, open_deal, win_deal
from crmcore.events import DomainEvent
from crmcore.ids import DealId, EntityRef, InteractionId, PartnerId, RequestId, UserId
from crmcore.interactions import Direction, InteractionDraft, InteractionKind, record_interaction
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.memory import memory_repositories
from crmcore.partners import (
    Email,
    LegalData,
    Partner,
    PartnerDraft,
    PartnerKind,
    PartnerRole,
    Phone,
    PossibleDuplicates,
    register_partner,
)
from crmcore.requests import (
    Request,
    RequestMatcher,
    assign_request,
    contact_match_model,
    contact_person_record,
    match_request,
    register_request_from_form,
)
from crmcore.rules import (
    AssignManager,
    Chain,
    Command,
    Member,
    Rule,
    RuleContext,
    RuleEngine,
    SmsToClient,
    Staff,
)
from crmcore.serialization import make_converter

NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPEAT: Final = 3
TARGET: Final = 0.30
STAFF: Final = Staff(
    members=tuple(
        Member(user=UserId(f"m-{n}"), teams=("sales",), department="sales") for n in range(8)
    ),
    heads={"sales": UserId("head")},
)
MANAGERS: Final = tuple(member.user for member in STAFF.members)
RULES: Final[tuple[Mapping[str, Any], ...]] = (
    {"id": "new-requests", "name": "New requests to the sales team, round robin",
     "trigger": {"entity": "request", "on": "created"},
     "then": [{"action": "assign_manager", "strategy": {"kind": "round_robin", "team": "sales"}}]},
    {"id": "won-sms", "name": "Thank the client for a won manual sale",
     "trigger": {"entity": "deal", "on": "status_set", "to_value": "won"},
     "when": {"field": "pipeline_id", "op": "eq", "value": "manual_sale"},
     "then": [{"action": "sms_client", "text": "Спасибо за покупку, {{ partner.short_name }}!"}]},
)  # fmt: skip
_STEMS: Final = ("Ромашка", "Лютик", "Василёк", "Альфа", "Вектор", "Строй", "Техно", "Nord")
_SYLLABLES: Final = ("ка", "ро", "ми", "ту", "ле", "за", "во", "ни", "бу", "ге", "ду", "жа",
                     "си", "по", "фе", "хо", "ца", "чу", "ше", "ян")  # fmt: skip
_SOURCE: Final = "website_form"


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def rules() -> list[Rule]:
    converter = make_converter()
    return [converter.structure(dict(data), Rule) for data in RULES]


def settings() -> Settings:
    return Settings(staff=STAFF)


def inn(number: int) -> str:
    """A valid ten-digit INN of a legal entity, distinct for each ``number``."""
    digits = [int(d) for d in f"{number:09d}"]
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return f"{number:09d}{sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10}"


def name(number: int) -> str:
    """A company name of its own for each ``number``: a stem and two made-up words."""
    rng = random.Random(number)
    words = ("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(2))
    return " ".join([_STEMS[number % len(_STEMS)], *(w.capitalize() for w in words)])


def draft(number: int) -> PartnerDraft:
    return PartnerDraft(
        kind="legal_entity",
        roles=["client"],
        short_name=name(number),
        tax_id=inn(number),
        phones=[f"+7495{number:07d}"],
        emails=[f"info{number}@example.ru"],
    )


def at(step: int) -> datetime:
    return NOW + timedelta(seconds=step)


@attrs.frozen
class Round:
    """The ids and inputs of one round of the mix."""

    number: int
    manager: UserId

    @property
    def partner_id(self) -> PartnerId:
        return PartnerId(f"p-{self.number:07d}")

    @property
    def deal_id(self) -> DealId:
        return DealId(f"d-{self.number}")

    def deal(self) -> DealDraft:
        return DealDraft(
            title="Поставка", partner_id=self.partner_id, responsible_manager=self.manager
        )

    def call(self) -> InteractionDraft:
        return InteractionDraft(
            kind=InteractionKind.CALL,
            direction=Direction.OUTGOING,
            topic="Обсуждение поставки",
            start=at(self.number * 10 + 3) - timedelta(minutes=10),
            responsible=self.manager,
            partner_id=self.partner_id,
            subject=EntityRef(entity_type="deal", entity_id=self.deal_id),
        )

    def form(self) -> dict[str, str]:
        return {
            "name": "Пётр",
            "company": _STEMS[self.number % len(_STEMS)],
            "phone": f"+7495{self.number:07d}",
            "email": f"info{self.number}@example.ru",
            "message": "Нужна ещё одна поставка",
        }


def commands(first: int, count: int) -> list[tuple[CRMCommand, str, datetime]]:
    """The commands of ``count`` rounds, numbered from ``first``, with actor and moment."""
    found: list[tuple[CRMCommand, str, datetime]] = []
    for number in range(first, first + count):
        one = Round(number, MANAGERS[number % len(MANAGERS)])
        step = number * 10
        found += [
            (RegisterPartner(draft=draft(number), partner_id=one.partner_id, force=True),
             one.manager, at(step)),
            (OpenDeal(draft=one.deal(), pipeline_id=MANUAL_SALE.id, deal_id=one.deal_id),
             one.manager, at(step + 1)),
            (MoveDeal(deal_id=one.deal_id, stage="qualification"), one.manager, at(step + 2)),
            (RecordInteraction(draft=one.call(), interaction_id=f"i-{number}"),
             one.manager, at(step + 3)),
            (ReceiveWebForm(payload=one.form(), request_id=f"r-{number}"), "system", at(step + 4)),
            (WinDeal(deal_id=one.deal_id), one.manager, at(step + 5)),
        ]  # fmt: skip
    return found


def import_base(repositories: Repositories, count: int) -> None:
    """``count`` partners registered before the run (numbered from 0, as the rounds are)."""
    for number in range(count):
        repositories.partners.add(
            Partner(
                id=PartnerId(f"p-{number:07d}"),
                kind=PartnerKind.LEGAL_ENTITY,
                roles=frozenset({PartnerRole.CLIENT}),
                short_name=name(number),
                legal=LegalData(tax_id=inn(number)),
                phones=(Phone(number=f"+7495{number:07d}"),),
                emails=(Email(address=f"info{number}@example.ru"),),
                created_at=NOW - timedelta(days=30),
            )
        )


# Through CRM


def through_crm(crm: CRM, work: Sequence[tuple[CRMCommand, str, datetime]]) -> None:
    for command, actor, now in work:
        crm.execute(command, actor=actor, now=now)


# By hand


class StoredFacts:
    """The rules' related records read from the repositories, as a host would give them."""

    def __init__(self, host: ByHand) -> None:
        self._host = host

    def record(self, entity: str, entity_id: str) -> object | None:
        found: object | None = self._host.latest(entity, entity_id)
        return found

    def fact(self, entity: str, entity_id: str, name: str) -> object | None:
        return None


class ByHand:
    """The same work on the memory repositories with the area services, the host's own
    duplicate indexes, and a rule engine whose commands the host carries out."""

    _LATEST: Final = {"partner": "partners", "deal": "deals", "request": "requests",
                      "interaction": "interactions"}  # fmt: skip

    def __init__(self, repositories: Repositories, config: Settings, rule_set: list[Rule]) -> None:
        self.r = repositories
        self.settings = config
        self.staff = config.staff
        self.engine = RuleEngine(
            rule_set,
            schemas=config.schemas,
            calendar=config.calendar,
            max_depth=config.max_rule_depth,
        )
        self.facts = StoredFacts(self)
        self.partners = DuplicateIndex(MatchModel.for_partners())
        self.contacts = DuplicateIndex(contact_match_model())
        for partner in repositories.partners.iterate():
            self.partners.add(partner.id, partner)
            for person in repositories.contact_persons.of_partner(partner.id):
                self.contacts.add(person.id, contact_person_record(person))
        self.number = 0

    def latest(self, entity: str, entity_id: str) -> Any:
        repository = self._LATEST.get(entity)
        if repository is None:
            return None
        try:
            return getattr(self.r, repository).get(entity_id)
        except LookupError:
            return None

    def run(self, first: int, count: int) -> None:
        for number in range(first, first + count):
            self.round(Round(number, MANAGERS[number % len(MANAGERS)]))

    def round(self, one: Round) -> None:
        r, step = self.r, one.number * 10
        found = register_partner(
            draft(one.number), repository=r.partners, index=self.partners, now=at(step),
            partner_id=one.partner_id, actor=one.manager, force=True,
        )  # fmt: skip
        assert not isinstance(found, PossibleDuplicates)
        r.partners.add(found.entity)
        self.partners.add(found.entity.id, found.entity)
        self.react(found.events, at(step))
        self.open(one, at(step + 1))
        self.move(one, at(step + 2))
        r.partners.get(one.partner_id)
        r.deals.get(one.deal_id)
        call = record_interaction(
            one.call(), interaction_id=InteractionId(f"i-{one.number}"), author=one.manager,
            now=at(step + 3),
        )  # fmt: skip
        r.interactions.add(call.entity)
        self.react(call.events, at(step + 3))
        self.web_form(one, at(step + 4))
        self.win(one, at(step + 5))

    def open(self, one: Round, now: datetime) -> None:
        self.r.partners.get(one.partner_id)
        opened = open_deal(one.deal(), pipeline=MANUAL_SALE, now=now, deal_id=one.deal_id,
                           custom_fields=self.settings.custom_fields,
                           actor=one.manager)  # fmt: skip
        self.r.deals.add(opened.entity)
        assert opened.stage_change is not None
        self.r.stage_log.append(opened.stage_change)
        self.react(opened.events, now)

    def move(self, one: Round, now: datetime) -> None:
        deal = self.r.deals.get(one.deal_id)
        context = GateContext(partner=self.r.partners.get(one.partner_id))
        moved = move_deal(deal, "qualification", pipeline=MANUAL_SALE, now=now,
                          gates=self.settings.gates, context=context,
                          actor=one.manager)  # fmt: skip
        self.r.deals.save(moved.entity, expected_version=deal.version)
        assert moved.stage_change is not None
        self.r.stage_log.append(moved.stage_change)
        self.react(moved.events, now)

    def win(self, one: Round, now: datetime) -> None:
        deal = self.r.deals.get(one.deal_id)
        won = win_deal(deal, pipeline=MANUAL_SALE, now=now, actor=one.manager)
        self.r.deals.save(won.entity, expected_version=deal.version)
        assert won.stage_change is not None
        self.r.stage_log.append(won.stage_change)
        self.react(won.events, now)

    def web_form(self, one: Round, now: datetime) -> None:
        matcher = RequestMatcher(
            partners=self.partners, contacts=self.contacts, contact_persons=self.r.contact_persons
        )
        system = UserId("system")

        def register(earlier: Iterable[Request]) -> Any:
            return register_request_from_form(
                one.form(), source=_SOURCE, now=now, request_id=RequestId(f"r-{one.number}"),
                settings=self.settings.requests, spam=self.settings.spam, earlier=earlier,
                matcher=matcher, actor=system,
            )  # fmt: skip

        first = register(())
        contact = first.entity.contact
        earlier = self.r.requests.from_contact(
            phones=contact.phones,
            emails=contact.emails,
            received_from=first.entity.received_at - self.settings.requests.duplicate_window,
        )
        outcome = register(earlier) if earlier else first
        request, events = outcome.entity, list(outcome.events)
        if request.binding is None:
            matched = match_request(request, matcher, now=now, actor=system)
            request = matched.entity
            events.extend(matched.events)
        self.r.requests.add(request)
        self.react(events, now)

    def react(self, events: Iterable[DomainEvent], now: datetime) -> None:
        queue: list[tuple[DomainEvent, Chain]] = [(event, Chain()) for event in events]
        while queue:
            event, chain = queue.pop(0)
            if not self.engine.candidates(event):
                continue
            entity = event.entity_type
            context = RuleContext(record=self.latest(entity, event.entity_id), facts=self.facts,
                                  staff=self.staff, org=self.staff, chain=chain)  # fmt: skip
            outcome = self.engine.process(event, context=context, now=now)
            for command in outcome.commands:
                queue.extend((e, outcome.chain) for e in self.carry_out(command, now))

    def carry_out(self, command: Command, now: datetime) -> Sequence[DomainEvent]:
        assignment = command.assignment
        if assignment is not None and assignment.rotation:
            self.staff = attrs.evolve(
                self.staff, rotation={**self.staff.rotation, **assignment.rotation}
            )
        if isinstance(command.action, AssignManager):
            assert assignment is not None
            request = self.r.requests.get(RequestId(command.entity_id))
            assigned = assign_request(request, UserId(assignment.user), now=now,
                                      actor=UserId(f"rule:{command.rule_id}"))  # fmt: skip
            self.r.requests.save(assigned.entity, expected_version=request.version)
            return assigned.events
        assert isinstance(command.action, SmsToClient)
        deal = self.r.deals.get(DealId(command.entity_id))
        assert deal.partner_id is not None
        partner = self.r.partners.get(deal.partner_id)
        recipients = tuple(
            Recipient(symbol="client", entity="partner", entity_id=partner.id,
                      address=phone.number, explanation=f"a phone of {partner.short_name}")
            for phone in partner.phones
        )  # fmt: skip
        self.number += 1
        message = OutboxMessage(
            id=f"hand-{self.number}", command=command, recipients=recipients, created_at=now
        )
        self.r.outbox.add(message)
        return ()


# The run


def stored(repositories: Repositories) -> dict[str, Any]:
    """What the mix leaves, to check both ways did the same work (outbox ids aside)."""
    far = datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    partners = list(repositories.partners.iterate())
    return {
        "partners": partners,
        "deals": list(repositories.deals.iterate()),
        "log": list(repositories.stage_log.between(*far)),
        "requests": repositories.requests.find(),
        "interactions": [repositories.interactions.history(p.id) for p in partners],
        "outbox": [attrs.evolve(m, id="x") for m in repositories.outbox.find()],
    }


def best(passes: Callable[[], float]) -> float:
    return min(passes() for _ in range(REPEAT))


def timed(action: Callable[[], object], clock: Callable[[], float] = time.process_time) -> float:
    """The seconds ``action`` takes on ``clock``."""
    started = clock()
    action()
    return clock() - started


def crm_pass(
    base: int, rounds: int, make: Callable[[], CRM], clock: Callable[[], float] = time.process_time
) -> tuple[float, CRM]:
    crm = make()
    with crm.store.unit_of_work() as repositories:
        import_base(repositories, base)
    crm.refresh_indexes()  # built before the clock starts, as the host's are
    work = commands(base, rounds)
    return timed(lambda: through_crm(crm, work), clock), crm


def hand_pass(base: int, rounds: int) -> tuple[float, Repositories]:
    repositories = memory_repositories()
    import_base(repositories, base)
    host = ByHand(repositories, settings(), rules())
    return timed(lambda: host.run(base, rounds)), repositories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500, help="rounds of six commands")
    parser.add_argument("--base", type=int, default=2000, help="partners imported before")
    parser.add_argument("--quick", action="store_true", help="100 rounds on 200 partners")
    arguments = parser.parse_args()
    rounds, base = (100, 200) if arguments.quick else (arguments.rounds, arguments.base)
    count = rounds * 6

    def in_memory() -> CRM:
        return CRM.in_memory(settings=settings(), rules=rules())

    crm_times: list[float] = []
    hand_times: list[float] = []
    for _ in range(REPEAT):  # interleaved, so that a busy machine skews both alike
        seconds, crm = crm_pass(base, rounds, in_memory)
        crm_times.append(seconds)
        seconds, by_hand = hand_pass(base, rounds)
        hand_times.append(seconds)
    with crm.store.unit_of_work() as repositories:
        kept = stored(repositories)
    same = kept == stored(by_hand)
    assert same, "CRM and the by-hand host stored different records"
    requests = kept["requests"]
    assert len(kept["outbox"]) == rounds, "an SMS for every won deal"
    assert all(r.binding is not None and r.responsible_manager for r in requests)
    crm_rate, hand_rate = count / min(crm_times), count / min(hand_times)
    overhead = min(crm_times) / min(hand_times) - 1
    emit(benchmark="command_mix", store="memory", way="by_hand", commands=count,
         seconds=round(min(hand_times), 4), commands_per_second=round(hand_rate))  # fmt: skip
    emit(benchmark="command_mix", store="memory", way="crm", commands=count,
         seconds=round(min(crm_times), 4), commands_per_second=round(crm_rate))  # fmt: skip
    emit(benchmark="crm_overhead", base_partners=base, rounds=rounds, same_records=same,
         requests_bound_and_assigned=len(requests), sms_in_outbox=len(kept["outbox"]),
         overhead_percent=round(overhead * 100, 1), target_percent=round(TARGET * 100),
         met=overhead < TARGET)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        made: list[CRM] = []

        def on_sqlite() -> CRM:
            crm = CRM.sqlite(str(Path(folder) / f"bench-{len(made)}.db"), settings=settings(),
                             rules=rules())  # fmt: skip
            made.append(crm)
            return crm

        seconds = best(lambda: crm_pass(base, rounds, on_sqlite, time.perf_counter)[0])
        for crm in made:
            crm.store.close()  # type: ignore[attr-defined]
    emit(benchmark="command_mix", store="sqlite_file", way="crm", commands=count,
         seconds=round(seconds, 4), commands_per_second=round(count / seconds))  # fmt: skip


if __name__ == "__main__":
    main()
