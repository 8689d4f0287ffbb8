"""The demo's requests chapter: two website requests, one bound to a known client through the
duplicate check, the other qualified and converted into a partner and a deal; a robot's
request refused as spam; and the conversion report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Final

from crmcore.deals import TYPICAL_SALE
from crmcore.demo.world import World, table
from crmcore.errors import SpamError
from crmcore.events import DomainEvent
from crmcore.ids import InteractionId, RequestId, UserId
from crmcore.intake import SpamRules
from crmcore.interactions import InteractionDraft, record_interaction
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.memory import MemoryRequestRepository
from crmcore.money import Money
from crmcore.requests import (
    Conversion,
    Request,
    RequestMatcher,
    contact_match_model,
    contact_person_record,
    conversion_rates,
    convert_request,
    edit_request,
    qualify_request,
    register_request_from_form,
    take_request,
)

__all__ = ["chapter"]

_MANAGER: Final = UserId("u-ivanova")
_SPAM: Final = SpamRules(max_links=2, blocked_domains=frozenset({"casino.example"}))
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
    "items": [{"product": "Ящик 60x40", "quantity": 300, "unit": "шт"}],
    "utm_source": "yandex",
    "utm_campaign": "spring",
    "website": "",
}
_ROBOT: Final = {"name": "Win", "email": "bot@casino.example", "website": "http://casino.example"}


def _matcher(world: World) -> RequestMatcher:
    """The duplicate check over the world's partners and their contact persons."""
    partners = DuplicateIndex(MatchModel.for_partners())
    contacts = DuplicateIndex(contact_match_model())
    for partner in world.partners.iterate():
        partners.add(partner.id, partner)
        for person in world.contacts.of_partner(partner.id):
            contacts.add(person.id, contact_person_record(person))
    return RequestMatcher(partners=partners, contacts=contacts, contact_persons=world.contacts)


def chapter(world: World, now: datetime) -> Iterator[str]:
    """Two web requests taken in, bound or converted, and what the reports say of them."""
    requests = MemoryRequestRepository()
    events: list[DomainEvent] = []
    matcher = _matcher(world)
    known = register_request_from_form(
        _KNOWN_CLIENT, source="website_form", now=now, request_id=RequestId("web-1"),
        matcher=matcher, spam=_SPAM,
    )  # fmt: skip
    requests.add(known.entity)
    events.extend(known.events)
    yield from _binding_told(world, known.entity)
    try:
        register_request_from_form(_ROBOT, source="website_form", now=now, spam=_SPAM)
    except SpamError as error:
        yield f"A robot's request was refused as spam: {error}"
    yield ""
    arrived = now + timedelta(minutes=5)
    new = register_request_from_form(
        _NEW_CLIENT, source="website_form", now=arrived, request_id=RequestId("web-2"),
        matcher=matcher, spam=_SPAM,
    )  # fmt: skip
    requests.add(new.entity)
    events.extend(new.events)
    yield f"Request web-2 from {new.entity.contact.company}: {new.entity.binding_state.value}."
    conversion = _converted(new.entity, requests, events, arrived)
    yield from _conversion_told(conversion)
    yield ""
    report = conversion_rates(requests.find(), deals=[conversion.deal])
    yield from report.table()
    yield ""
    names = ", ".join(dict.fromkeys(event.name for event in events))
    yield f"The requests' services returned {len(events)} events: {names}"


def _binding_told(world: World, request: Request) -> Iterator[str]:
    binding = request.binding
    if binding is None:
        yield f"Request {request.id} was not bound."
        return
    partner = world.partners.get(binding.partner_id)
    shown = partner.short_name
    if binding.contact_person_id is not None:
        shown += f" / {world.contacts.get(binding.contact_person_id).name}"
    yield f"Request {request.id} from {request.contact.name}: bound to {shown}"
    yield f"  {binding.method.value}, probability {binding.probability:.3f}, because:"
    rows = [
        [e.field, str(e.left), str(e.right), f"{e.weight:+.1f}"]
        for e in binding.explanation
        if e.similarity is not None
    ]
    yield from ("  " + line for line in table(["field", "request", "card", "weight"], rows))


def _converted(
    request: Request, requests: MemoryRequestRepository, events: list[DomainEvent], at: datetime
) -> Conversion:
    """Taken into work, given a budget after a call, qualified, and converted into a client
    and a deal."""
    call = record_interaction(
        InteractionDraft(kind="call", topic="Ящики для «Севера»", start=at + timedelta(minutes=15),
                         direction="outgoing"),
        interaction_id=InteractionId("call-web-2"), author=_MANAGER, now=at + timedelta(minutes=30),
    )  # fmt: skip
    events.extend(call.events)
    taken = take_request(request, manager=_MANAGER, now=at + timedelta(minutes=15))
    budget = {"estimated_amount": Money.of("45000.00", "RUB")}
    estimated = edit_request(taken.entity, now=at + timedelta(minutes=30), changes=budget)
    qualified = qualify_request(estimated.entity, now=at + timedelta(minutes=30))
    for outcome in (taken, estimated, qualified):
        events.extend(outcome.events)
        requests.save(outcome.entity, expected_version=outcome.entity.version - 1)
    request = qualified.entity
    conversion = convert_request(
        request, pipeline=TYPICAL_SALE, now=at + timedelta(hours=1), interactions=[call.entity]
    )
    requests.save(conversion.request, expected_version=request.version)
    events.extend(conversion.events)
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
    topics = ", ".join(i.topic for i in conversion.interactions)
    yield f"  moved to the deal's chain: {topics}"
