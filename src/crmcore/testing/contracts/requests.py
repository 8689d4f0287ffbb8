"""The contract suite of the requests area's repository."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from crmcore.ids import ContactPersonId, DealId, PartnerId, RequestId, UserId
from crmcore.matching import FieldEvidence
from crmcore.money import Money
from crmcore.partners.contact_data import Email, Phone
from crmcore.requests.kinds import BindingMethod, RequestStatus
from crmcore.requests.model import (
    Binding,
    BindingProposal,
    Campaign,
    ContactData,
    Request,
    RequestedItem,
)
from crmcore.requests.repository import RequestRepository
from crmcore.testing.contracts._common import (
    CODE_POINT_IDS,
    CREATED_AT,
    MOMENTS_IN_ZONES,
    PHONE_A,
    PHONE_B,
    VersionedRepositoryContract,
    in_zone,
    instant,
    windows_in_zones,
    within,
)

__all__ = ["RequestRepositoryContract"]

HOUR = timedelta(hours=1)


def _request(request_id: str = "r-1", **changes: Any) -> Request:
    request = Request(
        id=RequestId(request_id),
        source="website_form",
        received_at=CREATED_AT,
        contact=ContactData(
            name="Анна Петрова",
            phones=(Phone.parse(PHONE_A),),
            emails=(Email.parse("Anna@Example.com"),),
        ),
    )
    return attrs.evolve(request, **changes)


class RequestRepositoryContract(VersionedRepositoryContract[Request], ABC):
    """The behaviour every :class:`~crmcore.requests.RequestRepository` must show."""

    entity_type: ClassVar[str] = "request"

    @abstractmethod
    def make_repository(self) -> RequestRepository:
        """A new, empty repository."""

    def make_request(self, request_id: str = "r-1", **changes: Any) -> Request:
        """A valid new website request from Анна Петрова (phone A, anna@example.com)."""
        return _request(request_id, **changes)

    def make_full_request(self) -> Request:
        """A converted request with every field set, to check that nothing is lost."""
        evidence = FieldEvidence(
            field="phone", left="4951", right="4951", similarity=1.0, weight=9.5
        )
        return self.make_request(
            "r-full",
            source="marketplace",
            contact=ContactData(
                name="Анна", company="ООО «Восток»", phones=(Phone.parse(PHONE_B),),
                emails=(Email.parse("a@vostok.ru"),), region="Приморье", message="Нужны\nящики",
            ),
            items=(
                RequestedItem(product="Ящик 60x40", quantity=Decimal("300"), unit="шт",
                              amount=Money.of("45000.00", "RUB")),
            ),
            estimated_amount=Money.of("45000.00", "RUB"),
            campaign=Campaign(source="yandex", medium="cpc", campaign="spring", term="ящики",
                              content="banner-1"),
            custom={"priority": 2},
            binding=Binding(
                partner_id=PartnerId("p-9"), contact_person_id=ContactPersonId("cp-9"),
                method=BindingMethod.MATCHED, probability=0.97, explanation=(evidence,),
                bound_at=CREATED_AT, by=UserId("u-1"),
            ),
            duplicate_of=RequestId("r-0"), responsible_manager=UserId("u-1"),
            status=RequestStatus.CONVERTED, first_response_at=CREATED_AT + HOUR,
            qualified_at=CREATED_AT + 2 * HOUR, deal_id=DealId("d-1"),
            closed_at=CREATED_AT + 3 * HOUR, version=5,
        )  # fmt: skip

    def make_entity(self) -> Request:
        """The request of :meth:`make_request`."""
        return self.make_request()

    def moved(self, entity: Request) -> Request:
        """``entity`` taken into work by ``u-2``, come by call from phone B alone."""
        return attrs.evolve(
            entity, status=RequestStatus.IN_WORK, responsible_manager=UserId("u-2"),
            source="call", contact=ContactData(name="Анна", phones=(Phone.parse(PHONE_B),)),
        )  # fmt: skip

    def found_by_keys(self, repository: RequestRepository, entity: Request) -> list[list[Request]]:
        """The requests found by ``entity``'s status, source, manager and contact data."""
        contact = entity.contact
        found = [
            repository.find(status=entity.status),
            repository.find(source=entity.source),
            repository.from_contact(
                phones=contact.phones, emails=contact.emails, received_from=entity.received_at
            ),
        ]
        if entity.responsible_manager is not None:
            found.append(repository.find(manager=entity.responsible_manager))
        return found

    test_save_of_a_request_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_request_with_every_field(self) -> None:
        repository = self.make_repository()
        full = self.make_full_request()
        proposed = self.make_request(
            "r-2", proposals=(BindingProposal(partner_id=PartnerId("p-1"), probability=0.6),)
        )
        for request in (full, proposed):
            repository.add(request)
        assert repository.get(full.id) == full
        assert repository.get(proposed.id) == proposed

    def test_find_filters_and_orders_by_time_received_then_id(self) -> None:
        repository = self.make_repository()
        bound = Binding(
            partner_id=PartnerId("p-1"), method=BindingMethod.MANUAL, bound_at=CREATED_AT
        )
        requests = [
            self.make_request("r-3", received_at=CREATED_AT + 2 * HOUR, source="call"),
            self.make_request("r-2", received_at=CREATED_AT + HOUR, binding=bound),
            self.make_request("r-1", received_at=CREATED_AT + HOUR, responsible_manager="u-1"),
            self.make_request("r-0", status=RequestStatus.REJECTED, rejection_reason="spam",
                              closed_at=CREATED_AT),
        ]  # fmt: skip
        for request in requests:
            repository.add(request)
        assert [r.id for r in repository.find()] == ["r-0", "r-1", "r-2", "r-3"]
        assert [r.id for r in repository.find(source="website_form")] == ["r-0", "r-1", "r-2"]
        assert [r.id for r in repository.find(status=RequestStatus.REJECTED)] == ["r-0"]
        assert [r.id for r in repository.find(manager=UserId("u-1"))] == ["r-1"]
        assert [r.id for r in repository.find(partner_id=PartnerId("p-1"))] == ["r-2"]
        window = repository.find(received_from=CREATED_AT + HOUR, received_to=CREATED_AT + 2 * HOUR)
        assert [r.id for r in window] == ["r-1", "r-2"]
        both = repository.find(source="website_form", received_from=CREATED_AT + HOUR)
        assert [r.id for r in both] == ["r-1", "r-2"]

    def test_requests_received_at_one_instant_are_ordered_by_code_point_id(self) -> None:
        repository = self.make_repository()
        for number, request_id in enumerate(reversed(CODE_POINT_IDS)):
            repository.add(self.make_request(request_id, received_at=in_zone(CREATED_AT, number)))
        assert [r.id for r in repository.find()] == list(CODE_POINT_IDS)
        since = repository.from_contact(phones=[Phone.parse(PHONE_A)], received_from=CREATED_AT)
        assert [r.id for r in since] == list(CODE_POINT_IDS)

    def test_windows_compare_moments_written_in_any_zone_as_instants(self) -> None:
        repository = self.make_repository()
        requests = [
            self.make_request(f"r-{number}", received_at=at)
            for number, at in enumerate(MOMENTS_IN_ZONES)
        ]
        for request in reversed(requests):
            repository.add(request)
        for start, end in windows_in_zones():
            found = repository.find(received_from=start, received_to=end)
            inside = [r for r in requests if within(r.received_at, start, end)]
            inside.sort(key=lambda request: (instant(request.received_at), request.id))
            assert [r.id for r in found] == [r.id for r in inside], (start, end)
            since = repository.from_contact(phones=[Phone.parse(PHONE_A)], received_from=start)
            later = [r for r in requests if instant(r.received_at) >= instant(start)]
            later.sort(key=lambda request: (instant(request.received_at), request.id))
            assert [r.id for r in since] == [r.id for r in later], start

    def test_from_contact_finds_a_shared_phone_or_email_in_any_letter_case(self) -> None:
        repository = self.make_repository()
        other = ContactData(name="Иван", phones=(Phone.parse(PHONE_B),))
        requests = [
            self.make_request("r-1"),
            self.make_request("r-2", received_at=CREATED_AT + HOUR, contact=other),
            self.make_request("r-0", received_at=CREATED_AT - 48 * HOUR),
        ]
        for request in requests:
            repository.add(request)
        since = CREATED_AT - HOUR
        by_email = repository.from_contact(
            emails=[Email.parse("ANNA@example.COM")], received_from=since
        )
        assert [r.id for r in by_email] == ["r-1"]
        by_phone = repository.from_contact(phones=[Phone.parse(PHONE_B)], received_from=since)
        assert [r.id for r in by_phone] == ["r-2"]
        both = repository.from_contact(
            phones=[Phone.parse(PHONE_A), Phone.parse(PHONE_B)],
            received_from=CREATED_AT - 72 * HOUR,
        )
        assert [r.id for r in both] == ["r-0", "r-1", "r-2"]
        assert repository.from_contact(received_from=since) == []
