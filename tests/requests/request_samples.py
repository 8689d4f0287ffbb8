"""Sample moments, clients and requests shared by the requests tests."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from crmcore.ids import ContactPersonId, PartnerId, RequestId, UserId
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.memory import MemoryContactPersonRepository
from crmcore.money import Money
from crmcore.partners import (
    ContactPerson,
    ContactPersonDraft,
    Partner,
    PartnerDraft,
    add_contact_person,
    create_partner,
)
from crmcore.requests import (
    Request,
    RequestDraft,
    RequestedItem,
    RequestMatcher,
    contact_match_model,
    contact_person_record,
    qualify_request,
    register_request,
    take_request,
)

NOW: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR: Final = timedelta(hours=1)
MANAGER: Final = UserId("u-1")


def partner(partner_id: str, name: str, **fields: Any) -> Partner:
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name=name, **fields)
    return create_partner(draft, partner_id=PartnerId(partner_id), now=NOW).entity


def person(person_id: str, of: Partner, name: str, **fields: Any) -> ContactPerson:
    draft = ContactPersonDraft(name=name, **fields)
    return add_contact_person(
        draft, partner=of, contact_person_id=ContactPersonId(person_id), now=NOW
    ).entity


ROMASHKA: Final = partner(
    "p-1", "ООО «Ромашка»", phones=["+7 495 123-45-67"], emails=["info@romashka.ru"]
)
ROMASHKA_PLUS: Final = partner("p-2", "Ромашка Плюс")
VOSTOK: Final = partner("p-3", "ООО «Восток»", phones=["+7 423 212-34-56"])
IVAN: Final = person("cp-1", VOSTOK, "Иван Петров", phones=["+7 916 123-45-67"])


def matcher(**options: Any) -> RequestMatcher:
    """A matcher over the sample partners and Иван Петров of Восток."""
    partners = DuplicateIndex(MatchModel.for_partners())
    for known in (ROMASHKA, ROMASHKA_PLUS, VOSTOK):
        partners.add(known.id, known)
    contacts = DuplicateIndex(contact_match_model())
    contacts.add(IVAN.id, contact_person_record(IVAN))
    people = MemoryContactPersonRepository()
    people.add(IVAN)
    return RequestMatcher(partners=partners, contacts=contacts, contact_persons=people, **options)


def draft(**fields: Any) -> RequestDraft:
    """A website request from Анна of «Север» for 300 crates at 150 RUB."""
    values: dict[str, Any] = {
        "source": "website_form",
        "name": "Анна Смирнова",
        "company": "ООО «Север»",
        "emails": ["anna@sever.example"],
        "items": [
            RequestedItem(
                product="Ящик 60x40", quantity=Decimal(300), amount=Money.of("45000", "RUB")
            )
        ],
    }
    values.update(fields)
    return RequestDraft(**values)


def registered(request_id: str = "r-1", **fields: Any) -> Request:
    return register_request(draft(**fields), request_id=RequestId(request_id), now=NOW).entity


def qualified(request_id: str = "r-1", **fields: Any) -> Request:
    taken = take_request(registered(request_id, **fields), manager=MANAGER, now=NOW + HOUR)
    return qualify_request(taken.entity, now=NOW + 2 * HOUR).entity
