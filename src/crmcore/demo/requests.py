"""The demo's requests chapter: a web request assigned by a rule and bound to a known client
through the duplicate check, a robot refused as spam, and a new client's request taken into
work, qualified and converted into a partner, a contact person and a deal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Final

from crmcore.app.commands import (
    ConvertRequest,
    EditRequest,
    QualifyRequest,
    ReceiveWebForm,
    RecordInteraction,
    TakeRequest,
)
from crmcore.demo.story import Story
from crmcore.demo.world import table
from crmcore.errors import SpamError
from crmcore.ids import EntityRef
from crmcore.interactions import InteractionDraft
from crmcore.money import Money
from crmcore.requests import Conversion, Request, conversion_rates

__all__ = ["chapter"]

_KNOWN_CLIENT: Final = {
    "name": "Анна Смирнова",
    "company": "Romashka",
    "email": "A.Smirnova@romashka.ru",
    "message": "Повторите, пожалуйста, прошлый заказ ящиков",
    "utm_source": "newsletter",
    "website": "",
}
_NEW_CLIENT: Final = {
    "name": "Ольга Соколова",
    "company": "ООО «Север»",
    "phone": "+7 (812) 555-01-02",
    "email": "o.sokolova@sever.example",
    "items": [{"product": "чай зелёный", "quantity": 300, "unit": "шт"}],
    "utm_source": "yandex",
    "utm_campaign": "spring",
    "website": "",
}
_ROBOT: Final = {"name": "Win", "email": "bot@casino.example", "website": "http://casino.example"}


def chapter(story: Story) -> Iterator[str]:
    """Two web requests through ReceiveWebForm, one bound, one converted; the report."""
    at = story.now - timedelta(days=3)
    story.run(ReceiveWebForm(payload=_KNOWN_CLIENT, request_id="web-1"), actor="system", at=at)
    yield from _assigned(story)
    yield from _bound(story, story.crm.get("request", "web-1"))
    try:
        story.run(ReceiveWebForm(payload=_ROBOT), actor="system", at=at)
    except SpamError as error:
        yield f"A robot's request was refused as spam: {error}"
    yield ""
    at += timedelta(minutes=5)
    story.run(ReceiveWebForm(payload=_NEW_CLIENT, request_id="web-2"), actor="system", at=at)
    yield from _assigned(story)
    new: Request = story.crm.get("request", "web-2")
    yield f"Request web-2 from {new.contact.company}: {new.binding_state.value}."
    conversion = _converted(story, new, at)
    yield from _conversion_told(conversion)
    yield ""
    with story.crm.store.unit_of_work() as stored:
        requests = stored.requests.find()
        deals = list(stored.deals.iterate())
    yield from conversion_rates(requests, deals=deals).table()


def _assigned(story: Story) -> Iterator[str]:
    for command in story.last.commands:
        if command.assignment is not None:
            yield (
                f"Request {command.entity_id}: rule {command.rule_id} made"
                f" {command.assignment.user} responsible ({command.assignment.reason})"
            )


def _bound(story: Story, request: Request) -> Iterator[str]:
    binding = request.binding
    if binding is None:
        yield f"Request {request.id} was not bound."
        return
    shown = story.crm.get("partner", binding.partner_id).short_name
    if binding.contact_person_id is not None:
        shown += f" / {story.crm.get('contact_person', binding.contact_person_id).name}"
    yield f"Request {request.id} from {request.contact.name}: bound to {shown}"
    yield f"  {binding.method.value}, probability {binding.probability:.3f}, because:"
    rows = [
        [e.field, str(e.left), str(e.right), f"{e.weight:+.1f}"]
        for e in binding.explanation
        if e.similarity is not None
    ]
    yield from ("  " + line for line in table(["field", "request", "card", "weight"], rows))


def _converted(story: Story, request: Request, at: datetime) -> Conversion:
    """Taken into work, given a budget after a call, qualified, converted; the call is
    recorded in the new deal's chain."""
    manager = request.responsible_manager or "anna"
    story.run(TakeRequest(request_id=request.id), actor=manager, at=at + timedelta(minutes=15))
    budget = {"estimated_amount": Money.of("45000.00", "RUB")}
    story.run(EditRequest(request_id=request.id, changes=budget), actor=manager,
              at=at + timedelta(minutes=30))  # fmt: skip
    story.run(QualifyRequest(request_id=request.id), actor=manager, at=at + timedelta(minutes=30))
    command = ConvertRequest(request_id=request.id, pipeline_id="typical_sale", deal_id="d-sever")
    conversion: Conversion = story.run(command, actor=manager, at=at + timedelta(hours=1))
    call = InteractionDraft(
        kind="call", topic="Чай для «Севера»", start=at + timedelta(minutes=20),
        direction="outgoing", subject=EntityRef(entity_type="deal", entity_id=conversion.deal.id),
        partner_id=conversion.partner.id,
    )  # fmt: skip
    story.run(RecordInteraction(draft=call, interaction_id="call-sever", result="300 шт в апреле"),
              actor=manager, at=at + timedelta(hours=1))  # fmt: skip
    return conversion


def _conversion_told(conversion: Conversion) -> Iterator[str]:
    deal = conversion.deal
    person = conversion.contact_person
    yield "Taken into work, given a budget after a call, qualified and converted:"
    yield f"  new partner {conversion.partner.short_name} ({conversion.partner.kind.value})"
    if person is not None:
        yield f"  new contact person {person.name}"
    yield f"  deal {deal.title!r} in {deal.pipeline_id}, stage {deal.stage}, for {deal.amount}"
    for item in conversion.items:
        yield f"  requested: {item.product} x {item.quantity} {item.unit or ''}".rstrip()
    yield f"  the call before it recorded in the deal's chain, by {deal.responsible_manager}"
