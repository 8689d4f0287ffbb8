"""The contract suites of the marketing area's repositories: segments, consents, campaigns,
purchases and surveys with their responses."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, timedelta
from typing import Any, ClassVar

import attrs
import pytest

from crmcore.conditions.model import AllOf, FieldCondition, Not
from crmcore.errors import DuplicateEntityError, EntityNotFoundError
from crmcore.ids import ContactPersonId, DealId, PartnerId
from crmcore.marketing.model import (
    Audience,
    Campaign,
    CampaignCost,
    CampaignId,
    CampaignStatus,
    Channel,
    ChannelConsent,
    Consent,
    ConsentStatus,
    MailingId,
    MailingRun,
    Material,
    Purchase,
    Question,
    QuestionKind,
    Segment,
    SegmentId,
    SegmentKind,
    Survey,
    SurveyId,
    SurveyResponse,
)
from crmcore.marketing.repository import (
    CampaignRepository,
    ConsentRepository,
    PurchaseHistory,
    SegmentRepository,
    SurveyRepository,
)
from crmcore.money import Money
from crmcore.testing.contracts._common import (
    CODE_POINT_IDS,
    CREATED_AT,
    CURRENCIES,
    MOMENTS_IN_ZONES,
    Contract,
    VersionedRepositoryContract,
    in_zone,
    instant,
    windows_in_zones,
    within,
)

__all__ = [
    "CampaignRepositoryContract",
    "ConsentRepositoryContract",
    "PurchaseHistoryContract",
    "SegmentRepositoryContract",
    "SurveyRepositoryContract",
]

HOUR = timedelta(hours=1)
_CONDITION = AllOf(
    all=(
        FieldCondition(field="purchases_last_year", op="gt", value="50000"),
        Not(condition=FieldCondition(field="custom.car_brand", op="in", value=("Лада", "BMW"))),
    )
)


class SegmentRepositoryContract(VersionedRepositoryContract[Segment], ABC):
    """The behaviour every :class:`~crmcore.marketing.SegmentRepository` must show."""

    entity_type: ClassVar[str] = "segment"

    @abstractmethod
    def make_repository(self) -> SegmentRepository:
        """A new, empty repository."""

    def make_segment(self, segment_id: str = "s-1", **changes: Any) -> Segment:
        """A dynamic segment of partners with a nested condition."""
        segment = Segment(
            id=SegmentId(segment_id), name="Покупатели Audi", kind=SegmentKind.DYNAMIC,
            condition=_CONDITION, created_at=CREATED_AT,
        )  # fmt: skip
        return attrs.evolve(segment, **changes)

    def make_entity(self) -> Segment:
        """The segment of :meth:`make_segment`."""
        return self.make_segment()

    def moved(self, entity: Segment) -> Segment:
        """``entity`` renamed (segments have no indexed keys)."""
        return attrs.evolve(entity, name="Другое имя")

    def found_by_keys(self, repository: SegmentRepository, entity: Segment) -> list[list[Segment]]:
        """Segments have no queries by key."""
        return []

    test_save_of_a_segment_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_static_and_dynamic_segments_keep_every_field_and_list_by_id(self) -> None:
        repository = self.make_repository()
        static = self.make_segment(
            "s-static", kind=SegmentKind.STATIC, condition=None,
            members=("p-2", "p-1", "p-3"), audience=Audience.CONTACT_PERSONS, currency="KWD",
        )  # fmt: skip
        for segment_id in reversed(CODE_POINT_IDS):
            repository.add(self.make_segment(segment_id))
        repository.add(static)
        assert repository.get(SegmentId("s-static")) == static
        assert repository.get(SegmentId("a")) == self.make_segment("a")
        assert [s.id for s in repository.list()] == sorted([*CODE_POINT_IDS, "s-static"])


class ConsentRepositoryContract(VersionedRepositoryContract[Consent], ABC):
    """The behaviour every :class:`~crmcore.marketing.ConsentRepository` must show."""

    entity_type: ClassVar[str] = "consent"

    @abstractmethod
    def make_repository(self) -> ConsentRepository:
        """A new, empty repository."""

    def make_consent(self, person_id: str = "cp-1", **changes: Any) -> Consent:
        """A contact person of partner ``p-1`` who agreed to e-mail and opted out of SMS."""
        consent = Consent(
            id=ContactPersonId(person_id), partner_id=PartnerId("p-1"),
            channels=(
                ChannelConsent(channel=Channel.EMAIL, status=ConsentStatus.GRANTED,
                               changed_at=MOMENTS_IN_ZONES[3], source="Веб-форма"),
                ChannelConsent(channel=Channel.SMS, status=ConsentStatus.OPTED_OUT,
                               changed_at=MOMENTS_IN_ZONES[7]),
            ),
        )  # fmt: skip
        return attrs.evolve(consent, **changes)

    def make_entity(self) -> Consent:
        """The consent of :meth:`make_consent`."""
        return self.make_consent()

    def moved(self, entity: Consent) -> Consent:
        """``entity`` of partner ``p-2``."""
        return attrs.evolve(entity, partner_id=PartnerId("p-2"))

    def found_by_keys(self, repository: ConsentRepository, entity: Consent) -> list[list[Consent]]:
        """The consents found by ``entity``'s partner."""
        return [repository.of_partner(entity.partner_id)]

    test_save_of_a_consent_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_consents_of_a_partner_by_contact_person_id(self) -> None:
        repository = self.make_repository()
        for person_id in reversed(CODE_POINT_IDS):
            repository.add(self.make_consent(person_id))
        repository.add(self.make_consent("other", partner_id=PartnerId("p-2"), channels=()))
        assert [c.id for c in repository.of_partner(PartnerId("p-1"))] == list(CODE_POINT_IDS)
        assert repository.get(ContactPersonId("a")) == self.make_consent("a")
        assert repository.of_partner(PartnerId("p-2"))[0].channels == ()
        assert repository.of_partner(PartnerId("nobody")) == []


class CampaignRepositoryContract(VersionedRepositoryContract[Campaign], ABC):
    """The behaviour every :class:`~crmcore.marketing.CampaignRepository` must show."""

    entity_type: ClassVar[str] = "campaign"

    @abstractmethod
    def make_repository(self) -> CampaignRepository:
        """A new, empty repository."""

    def make_campaign(self, campaign_id: str = "c-1", **changes: Any) -> Campaign:
        """A planned campaign of segment ``s-1`` in March."""
        campaign = Campaign(
            id=CampaignId(campaign_id), name="Весенний сервис", starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 31), budget=Money.of("100000", "RUB"),
            segment_id=SegmentId("s-1"), created_at=CREATED_AT,
        )  # fmt: skip
        return attrs.evolve(campaign, **changes)

    def make_full_campaign(self, currency: str = "KWD") -> Campaign:
        """A running campaign with every field set, in ``currency``."""
        return self.make_campaign(
            "c-full", budget=Money.of("1000.125", currency), status=CampaignStatus.RUNNING,
            planned_costs=(CampaignCost(item="Дизайн", amount=Money.of("10.5", currency)),),
            actual_costs=(CampaignCost(item="Печать", amount=Money.of("0.001", currency)),),
            materials=(
                Material(code="letter", channel=Channel.EMAIL, template="tpl-1", title="Привет"),
                Material(code="sms", channel=Channel.SMS, template="tpl-2"),
            ),
            mailings=(
                MailingRun(id=MailingId("m-1"), material="letter", at=MOMENTS_IN_ZONES[5],
                           reached=(ContactPersonId("cp-1"),), skipped=2),
            ),
            version=4,
        )  # fmt: skip

    def make_entity(self) -> Campaign:
        """The campaign of :meth:`make_campaign`."""
        return self.make_campaign()

    def moved(self, entity: Campaign) -> Campaign:
        """``entity`` running, for segment ``s-2``."""
        return attrs.evolve(entity, status=CampaignStatus.RUNNING, segment_id=SegmentId("s-2"))

    def found_by_keys(
        self, repository: CampaignRepository, entity: Campaign
    ) -> list[list[Campaign]]:
        """The campaigns found by ``entity``'s status and segment."""
        assert entity.segment_id is not None
        return [
            repository.find(status=entity.status),
            repository.find(segment_id=entity.segment_id),
        ]

    test_save_of_a_campaign_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    @pytest.mark.parametrize("currency", CURRENCIES)
    def test_get_returns_an_equal_campaign_with_every_field(self, currency: str) -> None:
        repository = self.make_repository()
        full = self.make_full_campaign(currency)
        repository.add(full)
        assert repository.get(full.id) == full

    def test_find_filters_and_orders_by_start_then_id(self) -> None:
        repository = self.make_repository()
        campaigns = [
            self.make_campaign("c-3", starts_on=date(2026, 2, 1)),
            self.make_campaign("c-2", status=CampaignStatus.RUNNING),
            self.make_campaign("c-1"),
            self.make_campaign("c-0", segment_id=None, starts_on=date(2026, 3, 2)),
        ]
        for campaign in campaigns:
            repository.add(campaign)
        assert [c.id for c in repository.find()] == ["c-3", "c-1", "c-2", "c-0"]
        assert [c.id for c in repository.find(status=CampaignStatus.PLANNED)] == [
            "c-3",
            "c-1",
            "c-0",
        ]
        found = repository.find(status=CampaignStatus.PLANNED, segment_id=SegmentId("s-1"))
        assert [c.id for c in found] == ["c-3", "c-1"]
        assert repository.find(segment_id=SegmentId("s-9")) == []

    def test_campaigns_starting_on_one_day_are_ordered_by_code_point_id(self) -> None:
        repository = self.make_repository()
        for campaign_id in reversed(CODE_POINT_IDS):
            repository.add(self.make_campaign(campaign_id))
        assert [c.id for c in repository.find()] == list(CODE_POINT_IDS)


class PurchaseHistoryContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.marketing.PurchaseHistory` must show."""

    @abstractmethod
    def make_repository(self) -> PurchaseHistory:
        """A new, empty history."""

    def make_purchase(self, line_id: str = "l-1", **changes: Any) -> Purchase:
        """A line of deal ``d-1`` of partner ``p-1``."""
        purchase = Purchase(
            id=line_id, deal_id=DealId("d-1"), partner_id=PartnerId("p-1"), product_id="oil-5w30",
            amount=Money.of("1500.50", "RUB"), won_at=CREATED_AT,
        )  # fmt: skip
        return attrs.evolve(purchase, **changes)

    def test_an_added_purchase_is_found_whole_and_counted(self) -> None:
        repository = self.make_repository()
        assert repository.count() == 0
        for number, currency in enumerate(CURRENCIES):
            repository.add(self.make_purchase(f"l-{number}", amount=Money.of("0.125", currency)))
        assert repository.count() == len(CURRENCIES)
        assert [p.amount.currency for p in repository.find()] == list(CURRENCIES)
        assert repository.find()[0] == self.make_purchase("l-0", amount=Money.of("0.125", "RUB"))

    def test_a_taken_id_raises_and_keeps_the_first(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_purchase())
        with pytest.raises(DuplicateEntityError):
            repository.add(self.make_purchase(partner_id=PartnerId("p-2")))
        assert repository.find(partner_id=PartnerId("p-2")) == []
        assert repository.count() == 1

    def test_find_by_partner_and_window_compares_instants(self) -> None:
        repository = self.make_repository()
        purchases = [
            self.make_purchase(f"l-{n}", won_at=at, partner_id=PartnerId(f"p-{n % 2}"))
            for n, at in enumerate(MOMENTS_IN_ZONES)
        ]
        for purchase in reversed(purchases):
            repository.add(purchase)
        for start, end in windows_in_zones():
            found = repository.find(won_from=start, won_to=end, partner_id=PartnerId("p-1"))
            inside = [
                p for p in purchases if within(p.won_at, start, end) and p.partner_id == "p-1"
            ]
            inside.sort(key=lambda purchase: (instant(purchase.won_at), purchase.id))
            assert [p.id for p in found] == [p.id for p in inside], (start, end)

    def test_purchases_won_at_one_instant_are_ordered_by_code_point_id(self) -> None:
        repository = self.make_repository()
        for number, line_id in enumerate(reversed(CODE_POINT_IDS)):
            repository.add(self.make_purchase(line_id, won_at=in_zone(CREATED_AT, number)))
        assert [p.id for p in repository.find()] == list(CODE_POINT_IDS)


class SurveyRepositoryContract(VersionedRepositoryContract[Survey], ABC):
    """The behaviour every :class:`~crmcore.marketing.SurveyRepository` must show."""

    entity_type: ClassVar[str] = "survey"

    @abstractmethod
    def make_repository(self) -> SurveyRepository:
        """A new, empty repository."""

    def make_survey(self, survey_id: str = "s-1", **changes: Any) -> Survey:
        """A survey of two questions."""
        survey = Survey(
            id=SurveyId(survey_id), title="Качество сервиса",
            questions=(
                Question(code="score", text="Оценка?", kind=QuestionKind.SCALE, scale_max=10),
                Question(code="again", text="Ещё раз?", kind=QuestionKind.CHOICE,
                         choices=("да", "нет"), required=False),
            ),
            campaign_id=CampaignId("c-1"), created_at=CREATED_AT,
        )  # fmt: skip
        return attrs.evolve(survey, **changes)

    def make_response(self, response_id: str = "a-1", **changes: Any) -> SurveyResponse:
        """An answer of ``cp-1`` to survey ``s-1``."""
        response = SurveyResponse(
            id=response_id, survey_id=SurveyId("s-1"), contact_person_id=ContactPersonId("cp-1"),
            partner_id=PartnerId("p-1"), answers={"score": 9, "again": "да"},
            answered_at=CREATED_AT,
        )  # fmt: skip
        return attrs.evolve(response, **changes)

    def make_entity(self) -> Survey:
        """The survey of :meth:`make_survey`."""
        return self.make_survey()

    def moved(self, entity: Survey) -> Survey:
        """``entity`` retitled (surveys have no indexed keys)."""
        return attrs.evolve(entity, title="Другой")

    def found_by_keys(self, repository: SurveyRepository, entity: Survey) -> list[list[Survey]]:
        """Surveys have no queries by key."""
        return []

    test_save_of_a_survey_never_added_raises_not_found = (
        VersionedRepositoryContract.save_of_an_entity_never_added_raises_not_found
    )

    def test_get_returns_an_equal_survey(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_survey(campaign_id=None))
        assert repository.get(SurveyId("s-1")) == self.make_survey(campaign_id=None)

    def test_responses_are_kept_whole_in_order_of_instants(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_survey())
        repository.add(self.make_survey("s-2"))
        responses = [
            self.make_response(f"a-{n}", answered_at=at) for n, at in enumerate(MOMENTS_IN_ZONES)
        ]
        for response in reversed(responses):
            repository.add_response(response)
        repository.add_response(self.make_response("other", survey_id=SurveyId("s-2")))
        found = repository.responses(SurveyId("s-1"))
        expected = sorted(responses, key=lambda r: (instant(r.answered_at), r.id))
        assert [r.id for r in found] == [r.id for r in expected]
        assert found[0] == expected[0]
        assert [r.id for r in repository.responses(SurveyId("s-2"))] == ["other"]

    def test_a_response_needs_its_survey_and_a_free_id(self) -> None:
        repository = self.make_repository()
        with pytest.raises(EntityNotFoundError):
            repository.add_response(self.make_response())
        repository.add(self.make_survey())
        repository.add_response(self.make_response())
        with pytest.raises(DuplicateEntityError):
            repository.add_response(self.make_response(answers={"score": 1}))
        assert repository.responses(SurveyId("s-1")) == [self.make_response()]

    def test_responses_at_one_instant_are_ordered_by_code_point_id(self) -> None:
        repository = self.make_repository()
        repository.add(self.make_survey())
        for number, response_id in enumerate(reversed(CODE_POINT_IDS)):
            repository.add_response(
                self.make_response(response_id, answered_at=in_zone(CREATED_AT, number))
            )
        assert [r.id for r in repository.responses(SurveyId("s-1"))] == list(CODE_POINT_IDS)
