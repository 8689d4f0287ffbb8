"""The application's commands as entry points for data from outside: each command taken from
JSON through the converter, as an HTTP handler takes it, and executed by a
:class:`~crmcore.app.CRM` over a memory store seeded with one record of each kind.

:func:`command_payloads` gives a valid JSON body for each command (accepted by the seeded
CRM, or refused by its state only), and :data:`COMMANDS` every command class by name; a
command without a body here (one added later) is tried with spoiled empty bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Final

import attrs

from crmcore.app import CRM, CRMCommand, Settings
from crmcore.app import commands as _commands
from crmcore.ids import EntityRef, UserId
from crmcore.rules import Member, Staff
from crmcore.serialization import make_converter

__all__ = [
    "ACTOR",
    "BODIES",
    "COMMANDS",
    "SEEDED_AT",
    "command_payloads",
    "crm_snapshot",
    "run_command",
    "seeded_crm",
]

SEEDED_AT: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""When the seeded CRM's records were made; commands run an hour later."""
ACTOR: Final = "anna"
_CONVERTER: Final = make_converter()
_AT: Final = SEEDED_AT.isoformat()
_LATER: Final = SEEDED_AT + timedelta(hours=1)
_STAFF: Final = Staff(
    members=(
        Member(user=UserId("anna"), teams=("sales",), department="sales"),
        Member(user=UserId("boris"), teams=("sales",), department="sales"),
    ),
    heads={"sales": "boris"},
)

COMMANDS: Final[Mapping[str, type[CRMCommand]]] = {
    command.name: command
    for command in (getattr(_commands, name) for name in _commands.__all__)
    if isinstance(command, type) and issubclass(command, CRMCommand) and command is not CRMCommand
}
"""Every command of :mod:`crmcore.app.commands`, by its name."""

_PARTNER: Final[dict[str, Any]] = {
    "kind": "legal_entity",
    "roles": ["client"],
    "short_name": "ООО «Ромашка»",
    "tax_id": "7707083893",
    "kpp": "770701001",
    "phones": ["8 (495) 123-45-67"],
    "emails": ["info@romashka.ru"],
}
_CONDITIONS: Final[dict[str, Any]] = {
    "currency": "RUB",
    "price_type": "wholesale",
    "payment_form": "bank_transfer",
    "taxation": {"regime": "vat_included", "rate": "20"},
    "delivery": {"method": "our_delivery"},
    "max_manager_discount": "7",
}
_MEETING: Final[dict[str, Any]] = {
    "kind": "meeting",
    "topic": "Crates for spring",
    "start": (SEEDED_AT + timedelta(days=1)).isoformat(),
    "end": (SEEDED_AT + timedelta(days=1, hours=1)).isoformat(),
    "partner_id": "p-1",
}
_CALL: Final[dict[str, Any]] = {
    "kind": "call",
    "topic": "Delivery terms",
    "start": _AT,
    "direction": "incoming",
    "partner_id": "p-1",
}
_CLAIM: Final[dict[str, Any]] = {
    "claimant": {"role": "client", "partner_id": "p-1"},
    "essence": "Ящики пришли разбитыми",
}
_REQUEST: Final[dict[str, Any]] = {
    "source": "call",
    "name": "Пётр",
    "company": "Север",
    "phones": ["+7 912 000-11-22"],
}
_TASK: Final[dict[str, Any]] = {
    "title": "Call back",
    "assignee": "anna",
    "checklist": ["Prices", "Terms"],
}
# fmt: off
_SEEDS: Final[tuple[tuple[str, dict[str, Any]], ...]] = (
    ("register_partner", {"draft": _PARTNER, "partner_id": "p-1"}),
    (
        "register_partner",
        {"draft": {"kind": "legal_entity", "roles": ["carrier"], "short_name": "Восток"},
         "partner_id": "p-2"},
    ),
    ("add_contact_person", {"partner_id": "p-1", "draft": {"name": "Анна Смирнова"},
                            "contact_person_id": "cp-1"}),
    ("open_deal", {"draft": {"title": "Трубы", "partner_id": "p-1", "responsible_manager": "anna"},
                   "pipeline_id": "typical_sale", "deal_id": "d-1"}),
    ("plan_interaction", {"draft": _MEETING, "interaction_id": "i-1"}),
    ("create_typical_agreement", {"title": "Опт", "conditions": _CONDITIONS,
                                  "valid_from": "2026-01-01", "agreement_id": "a-1"}),
    ("register_claim", {"draft": _CLAIM, "claim_id": "c-1"}),
    ("register_request", {"draft": _REQUEST, "request_id": "r-1"}),
    ("link_relationship", {"kind": "carrier_of", "relationship_id": "rel-1",
                           "source": {"entity_type": "partner", "entity_id": "p-2"},
                           "target": {"entity_type": "partner", "entity_id": "p-1"}}),
    ("create_task", {"draft": _TASK, "task_id": "t-1"}),
)

BODIES: Final[Mapping[str, Mapping[str, Any]]] = {
    "register_partner": {"draft": {**_PARTNER, "tax_id": "7736207543", "kpp": "773601001",
                                   "short_name": "ООО «Лютик»", "phones": [], "emails": []}},
    "edit_partner": {"partner_id": "p-1", "changes": {"short_name": "ООО «Ромашка-2»"}},
    "add_contact_person": {"partner_id": "p-1", "draft": {"name": "Борис", "position": "CEO"}},
    "edit_contact_person": {"contact_person_id": "cp-1", "changes": {"name": "Анна С."}},
    "link_relationship": {"kind": "carrier_of",
                          "source": {"entity_type": "partner", "entity_id": "p-1"},
                          "target": {"entity_type": "partner", "entity_id": "p-2"}},
    "unlink_relationship": {"relationship_id": "rel-1"},
    "open_deal": {"draft": {"title": "Фитинги", "partner_id": "p-1", "responsible_manager": "anna",
                            "amount": {"amount": "1000.00", "currency": "RUB"}},
                  "pipeline_id": "manual_sale"},
    "edit_deal": {"deal_id": "d-1", "changes": {"title": "Трубы и фитинги"}},
    "move_deal": {"deal_id": "d-1", "stage": "qualification"},
    "win_deal": {"deal_id": "d-1"},
    "lose_deal": {"deal_id": "d-1", "reason": "price"},
    "reopen_deal": {"deal_id": "d-1", "reason": "came back"},
    "plan_interaction": {"draft": _MEETING},
    "record_interaction": {"draft": _CALL, "result": "Agreed", "duration": "PT5M"},
    "start_interaction": {"interaction_id": "i-1"},
    "complete_interaction": {"interaction_id": "i-1", "result": "Done"},
    "cancel_interaction": {"interaction_id": "i-1"},
    "reschedule_interaction": {"interaction_id": "i-1",
                               "start": (SEEDED_AT + timedelta(days=2)).isoformat()},
    "create_typical_agreement": {"title": "Розница", "conditions": _CONDITIONS,
                                 "valid_from": "2026-04-01"},
    "create_individual_agreement": {"title": "Ромашка", "partner_id": "p-1", "base_id": "a-1"},
    "submit_agreement": {"agreement_id": "a-1"},
    "approve_agreement": {"agreement_id": "a-1"},
    "reject_agreement": {"agreement_id": "a-1", "reason": "Too generous"},
    "close_agreement": {"agreement_id": "a-1", "reason": "Replaced"},
    "register_claim": {"draft": {**_CLAIM, "channel": "email", "reasons": []}},
    "edit_claim": {"claim_id": "c-1", "edit": {"department": "Склад"}},
    "investigate_claim": {"claim_id": "c-1", "responsible_manager": "boris"},
    "await_claimant": {"claim_id": "c-1"},
    "resume_claim": {"claim_id": "c-1"},
    "decide_claim": {"claim_id": "c-1", "result": "satisfied"},
    "close_claim": {"claim_id": "c-1"},
    "reopen_claim": {"claim_id": "c-1", "comment": "Again"},
    "cancel_claim": {"claim_id": "c-1", "comment": "By mistake"},
    "plan_claim_activity": {"claim_id": "c-1", "activity": {
        "id": "act-1", "name": "Inspect the crates", "planned_start": _AT,
        "planned_finish": (SEEDED_AT + timedelta(days=1)).isoformat()}},
    "register_request": {"draft": {**_REQUEST, "phones": ["+7 913 000-11-22"]}},
    "receive_web_form": {"payload": {"name": "Анна", "email": "anna@sever.example",
                                     "message": "Нужны ящики"}, "source": "website_form"},
    "edit_request": {"request_id": "r-1", "changes": {"campaign": None}},
    "take_request": {"request_id": "r-1"},
    "qualify_request": {"request_id": "r-1"},
    "reject_request": {"request_id": "r-1", "reason": "spam"},
    "assign_request": {"request_id": "r-1", "manager": "boris"},
    "bind_request": {"request_id": "r-1", "partner_id": "p-1", "contact_person_id": "cp-1"},
    "convert_request": {"request_id": "r-1", "pipeline_id": "manual_sale"},
    "save_rule": {"rule": {
        "id": "big-deals", "name": "Big deals go to the head of sales",
        "trigger": {"entity": "deal", "on": "created"},
        "when": {"all": [{"field": "amount", "op": "gt", "value": 100000}]},
        "then": [{"action": "assign_manager", "strategy": "head_of_department"}]}},
    "add_pipeline": {"pipeline": {"id": "small", "title": "Small sale", "kind": "manual",
        "stages": [{"name": "offer", "title": "Offer", "order": 10, "probability": "50"},
                   {"name": "paid", "title": "Paid", "order": 20, "probability": "100",
                    "final": True}]}},
    "create_task": {"draft": {**_TASK, "title": "Send the offer"}},
    "edit_task": {"task_id": "t-1", "edit": {"title": "Call back today"}},
    "start_task": {"task_id": "t-1"},
    "stop_task": {"task_id": "t-1"},
    "complete_task": {"task_id": "t-1"},
    "cancel_task": {"task_id": "t-1"},
    "reopen_task": {"task_id": "t-1"},
    "add_checklist_item": {"task_id": "t-1", "text": "Discounts"},
    "tick_checklist_item": {"task_id": "t-1", "item_id": "1"},
    "untick_checklist_item": {"task_id": "t-1", "item_id": "1"},
    "start_project": {"plan_id": "launch"},
}
# fmt: on
"""A valid JSON body of each command, run against :func:`seeded_crm`."""


def command_payloads() -> dict[str, dict[str, Any]]:
    """A valid JSON body for each command of :data:`COMMANDS` (an empty one for a command
    without a body here)."""
    return {name: dict(BODIES.get(name, {})) for name in COMMANDS}


def _structured(name: str, body: object) -> CRMCommand:
    command: CRMCommand = _CONVERTER.structure(body, COMMANDS[name])
    return command


@cache
def _settings() -> Settings:
    return Settings(staff=_STAFF)


def seeded_crm() -> CRM:
    """A CRM on a new memory store holding partners ``p-1`` and ``p-2``, contact person
    ``cp-1``, relationship ``rel-1``, deal ``d-1``, interaction ``i-1``, agreement ``a-1``,
    claim ``c-1``, request ``r-1`` and task ``t-1``."""
    crm = CRM.in_memory(settings=_settings())
    for name, body in _SEEDS:
        if name in COMMANDS:
            crm.execute(_structured(name, body), actor=ACTOR, now=SEEDED_AT)
    return crm


def run_command(payload: Any, crm: CRM) -> None:
    """Take ``(name, body)``: the body of command ``name`` from JSON, executed by ``crm``."""
    name, body = payload
    crm.execute(_structured(name, body), actor=ACTOR, now=_LATER)


_PARTNERS: Final = ("p-1", "p-2")
_READERS: Final[Mapping[str, Callable[[Any], object]]] = {
    "contact_persons": lambda r: [r.of_partner(p) for p in _PARTNERS],
    "relationships": lambda r: [
        r.of(EntityRef(entity_type="partner", entity_id=p)) for p in _PARTNERS
    ],
    "interactions": lambda r: [r.history(p) for p in _PARTNERS],
    "rules": lambda r: r.list(),
}


def _contents(repository: object) -> object:
    """Every record of ``repository`` through the first reader that needs no argument:
    ``iterate()``, ``find()``, ``count()``; the count of a stage log or the outbox."""
    for method in ("iterate", "find", "count"):
        read = getattr(repository, method, None)
        if callable(read):
            try:
                found = read()
            except TypeError:  # a reader that needs its arguments
                continue
            return found if isinstance(found, int) else list(found)
    return None


def crm_snapshot(crm: CRM) -> object:
    """What a refused command must leave as it was: every repository's records, read
    through the protocols."""
    with crm.store.unit_of_work() as repositories:
        return {
            field.name: _READERS.get(field.name, _contents)(getattr(repositories, field.name))
            for field in attrs.fields(type(repositories))
        }
