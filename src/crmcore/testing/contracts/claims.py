"""The contract suite of the claims area's repository."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta
from typing import Any, ClassVar

import attrs

from crmcore.claims.investigation import Activity, InvestigationPlan
from crmcore.claims.kinds import (
    ActivityStatus,
    ClaimChannel,
    ClaimPriority,
    ClaimResult,
    ClaimStatus,
    DocumentKind,
)
from crmcore.claims.model import Attachment, Claim, Claimant, LinkedDocument, Pause, WorkflowStep
from crmcore.claims.repository import ClaimRepository
from crmcore.ids import ClaimId, PartnerId, UserId
from crmcore.partners.contact_data import Email, Phone
from crmcore.partners.kinds import PartnerRole
from crmcore.testing.contracts._common import (
    CODE_POINT_IDS,
    CREATED_AT,
    MOMENTS_IN_ZONES,
    PHONE_A,
    VersionedRepositoryContract,
    in_zone,
    instant,
    windows_in_zones,
    within,
)

__all__ = ["ClaimRepositoryContract"]

HOUR = timedelta(hours=1)


def _claim(claim_id: str = "c-1", **changes: Any) -> Claim:
    claim = Claim(
        id=ClaimId(claim_id),
        claimant=Claimant(role=PartnerRole.CLIENT, partner_id=PartnerId("p-1")),
        registered_at=CREATED_AT,
        channel=ClaimChannel.MANUAL,
        essence="Ящики пришли разбитыми",
        response_due=CREATED_AT + 8 * HOUR,
        resolution_due=CREATED_AT + 40 * HOUR,
        department="Склад",
    )
    return attrs.evolve(claim, **changes)


class ClaimRepositoryContract(VersionedRepositoryContract[Claim], ABC):
    """The behaviour every :class:`~crmcore.claims.ClaimRepository` must show."""

    entity_type: ClassVar[str] = "claim"

    @abstractmethod
    def make_repository(self) -> ClaimRepository:
        """A new, empty repository."""

    def make_claim(self, claim_id: str = "c-1", **changes: Any) -> Claim:
        """A valid registered claim of partner ``p-1`` about the warehouse."""
        return _claim(claim_id, **changes)

    def make_full_claim(self) -> Claim:
        """A closed claim with every field set, to check that nothing is lost in storage."""
        later = CREATED_AT + HOUR
        activity = Activity(
            id="a-1", name="Осмотр партии", planned_start=CREATED_AT, planned_finish=later,
            assignee=UserId("u-2"), status=ActivityStatus.DONE, result="Нарушена укладка",
            mandatory=False,
        )  # fmt: skip
        return self.make_claim(
            "c-full",
            claimant=Claimant(
                role=PartnerRole.DEALER, partner_id=PartnerId("p-9"), name="Анна",
                email=Email.parse("anna@example.com"), phone=Phone.parse(PHONE_A),
            ),
            claim_type="quality", priority=ClaimPriority.HIGH, employee=UserId("u-3"),
            responsible_manager=UserId("u-1"), reasons=("packaging", "delivery"),
            linked_documents=(
                LinkedDocument(kind=DocumentKind.ORDER, document_id="o-1", number="123"),
            ),
            attachments=(Attachment(name="фото.jpg", media_type="image/jpeg", size=2048),),
            requested_outcome="Заменить товар", status=ClaimStatus.CLOSED,
            result=ClaimResult.PARTIALLY_SATISFIED, responded_at=later, decided_at=later,
            pauses=(Pause(started_at=CREATED_AT, ended_at=later),),
            plan=InvestigationPlan(activities=(activity,)),
            history=(
                WorkflowStep(event="register", source=ClaimStatus.REGISTERED,
                             target=ClaimStatus.REGISTERED, at=CREATED_AT),
                WorkflowStep(event="close", source=ClaimStatus.DECIDED, target=ClaimStatus.CLOSED,
                             at=later, actor=UserId("u-1"), comment="Готово"),
            ),
            version=7,
        )  # fmt: skip

    def make_entity(self) -> Claim:
        """The claim of :meth:`make_claim`."""
        return self.make_claim()

    def moved(self, entity: Claim) -> Claim:
        """``entity`` under investigation, at sales, from partner ``p-2``."""
        claimant = attrs.evolve(entity.claimant, partner_id=PartnerId("p-2"))
        return attrs.evolve(
            entity, status=ClaimStatus.UNDER_INVESTIGATION, department="Продажи", claimant=claimant
        )

    def found_by_keys(self, repository: ClaimRepository, entity: Claim) -> list[list[Claim]]:
        """The claims found by ``entity``'s status, department and partner."""
        return [
            repository.find(status=entity.status),
            repository.find(department=entity.department),
            repository.find(partner_id=entity.claimant.partner_id),
        ]

    test_save_of_a_claim_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_claim_with_every_field(self) -> None:
        repository = self.make_repository()
        full = self.make_full_claim()
        repository.add(full)
        repository.add(self.make_claim())
        assert repository.get(full.id) == full
        assert repository.get(ClaimId("c-1")) == self.make_claim()

    def test_find_filters_and_orders_by_registration_time_then_id(self) -> None:
        repository = self.make_repository()
        claims = [
            self.make_claim("c-3", registered_at=CREATED_AT + 2 * HOUR),
            self.make_claim("c-2", registered_at=CREATED_AT + HOUR, department=None),
            self.make_claim("c-1", registered_at=CREATED_AT + HOUR),
            self.make_claim(
                "c-0",
                claimant=Claimant(role=PartnerRole.OTHER, name="Гость"),
                status=ClaimStatus.CANCELLED,
            ),
        ]
        for claim in claims:
            repository.add(claim)
        assert [c.id for c in repository.find()] == ["c-0", "c-1", "c-2", "c-3"]
        assert [c.id for c in repository.find(department="Склад")] == ["c-0", "c-1", "c-3"]
        assert [c.id for c in repository.find(partner_id=PartnerId("p-1"))] == ["c-1", "c-2", "c-3"]
        assert [c.id for c in repository.find(status=ClaimStatus.CANCELLED)] == ["c-0"]
        window = repository.find(
            registered_from=CREATED_AT + HOUR, registered_to=CREATED_AT + 2 * HOUR
        )
        assert [c.id for c in window] == ["c-1", "c-2"]

    def test_registration_windows_compare_moments_written_in_any_zone_as_instants(self) -> None:
        repository = self.make_repository()
        claims = [
            self.make_claim(f"c-{number}", registered_at=at, response_due=at + 8 * HOUR,
                            resolution_due=at + 40 * HOUR)
            for number, at in enumerate(MOMENTS_IN_ZONES)
        ]  # fmt: skip
        for claim in reversed(claims):
            repository.add(claim)
        for start, end in windows_in_zones():
            found = repository.find(registered_from=start, registered_to=end)
            inside = [c for c in claims if within(c.registered_at, start, end)]
            inside.sort(key=lambda claim: (instant(claim.registered_at), claim.id))
            assert [c.id for c in found] == [c.id for c in inside], (start, end)

    def test_claims_registered_at_one_instant_are_ordered_by_code_point_id(self) -> None:
        repository = self.make_repository()
        for number, claim_id in enumerate(reversed(CODE_POINT_IDS)):
            repository.add(self.make_claim(claim_id, registered_at=in_zone(CREATED_AT, number)))
        assert [c.id for c in repository.find()] == list(CODE_POINT_IDS)

    def test_overdue_lists_open_claims_past_a_due_date_by_resolution_due(self) -> None:
        repository = self.make_repository()
        now = CREATED_AT + 10 * HOUR
        late_response = self.make_claim("c-1")
        late_resolution = self.make_claim(
            "c-2", status=ClaimStatus.UNDER_INVESTIGATION, responded_at=CREATED_AT,
            resolution_due=CREATED_AT + 9 * HOUR,
        )  # fmt: skip
        waiting = self.make_claim(
            "c-3", status=ClaimStatus.WAITING_FOR_CLAIMANT, pauses=(Pause(started_at=CREATED_AT),)
        )
        in_time = self.make_claim(
            "c-4", status=ClaimStatus.UNDER_INVESTIGATION, responded_at=CREATED_AT
        )
        cancelled = self.make_claim("c-5", status=ClaimStatus.CANCELLED)
        for claim in (late_response, late_resolution, waiting, in_time, cancelled):
            repository.add(claim)
        assert [c.id for c in repository.overdue(now)] == ["c-2", "c-1"]
        assert repository.overdue(CREATED_AT) == []
