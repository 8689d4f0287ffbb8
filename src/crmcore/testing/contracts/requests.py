"""The contract suite of the requests area's repository."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from crmcore.errors import ConcurrencyConflictError, DuplicateEntityError, EntityNotFoundError
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
    CREATED_AT,
    PHONE_A,
    PHONE_B,
    Contract,
    run_in_threads,
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


class RequestRepositoryContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.requests.RequestRepository` must show."""

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

    def test_get_of_an_unknown_id_raises_not_found(self) -> None:
        with pytest.raises(EntityNotFoundError) as raised:
            self.make_repository().get(RequestId("nowhere"))
        assert (raised.value.entity_type, raised.value.entity_id) == ("request", "nowhere")

    def test_add_of_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        first = self.make_request()
        repository.add(first)
        with pytest.raises(DuplicateEntityError):
            repository.add(self.make_request(source="call"))
        assert repository.get(first.id) == first
        assert repository.find(source="call") == []

    def test_save_moves_the_indexes_and_checks_the_version(self) -> None:
        repository = self.make_repository()
        request = self.make_request()
        repository.add(request)
        taken = attrs.evolve(
            request, status=RequestStatus.IN_WORK, responsible_manager=UserId("u-2"), version=2,
            contact=ContactData(name="Анна", phones=(Phone.parse(PHONE_B),)),
        )  # fmt: skip
        repository.save(taken, expected_version=1)
        assert repository.find(status=RequestStatus.NEW) == []
        assert repository.find(manager=UserId("u-2")) == [taken]
        phones = [Phone.parse(PHONE_A)]
        assert repository.from_contact(phones=phones, received_from=CREATED_AT) == []
        with pytest.raises(ConcurrencyConflictError):
            repository.save(attrs.evolve(taken, version=3, source="call"), expected_version=1)
        assert repository.get(request.id) == taken
        assert repository.find(source="call") == []

    def test_save_of_a_request_never_added_raises_not_found(self) -> None:
        with pytest.raises(EntityNotFoundError):
            self.make_repository().save(self.make_request(version=2), expected_version=1)

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

    def test_concurrent_saves_of_one_version_keep_one(self) -> None:
        self.require_concurrency()
        repository = self.make_repository()
        request = self.make_request()
        repository.add(request)
        saved: list[int] = []

        def worker(number: int) -> None:
            try:
                repository.save(
                    attrs.evolve(request, responsible_manager=UserId(f"u-{number}"), version=2),
                    expected_version=1,
                )
            except ConcurrencyConflictError:
                return
            saved.append(number)

        run_in_threads(worker, count=self.thread_count)
        assert len(saved) == 1
        assert repository.get(request.id).responsible_manager == f"u-{saved[0]}"
