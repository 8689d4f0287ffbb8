"""Compare any repository with crmcore's reference implementation under random operations.

Each function returns a hypothesis ``RuleBasedStateMachine`` class that runs the same random
sequence of calls (adds, saves at right and wrong versions, gets, look-ups with keys in other
letter cases, iterations) on a :mod:`crmcore.memory` repository and on the one that
``make_repository()`` returns, and fails at the first call whose result or error differs::

    TestSqlPartners = partner_repository_comparison(make_sql_repository).TestCase

Entities are drawn from small pools of ids, names, phones, emails and tax ids, so that the
sequences keep hitting duplicates, stale versions, shared keys and case-folding.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Generic, TypeVar

import attrs
from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from crmcore.agreements.conditions import (
    ConditionOverrides,
    DeliveryTerms,
    SalesConditions,
    Taxation,
)
from crmcore.agreements.kinds import (
    AgreementKind,
    AgreementStatus,
    DeliveryMethod,
    PaymentForm,
    TaxRegime,
)
from crmcore.agreements.model import Agreement
from crmcore.agreements.repository import AgreementRepository
from crmcore.claims.kinds import ClaimChannel, ClaimResult, ClaimStatus
from crmcore.claims.model import Claim, Claimant, Pause
from crmcore.claims.repository import ClaimRepository
from crmcore.deals.builtin import LONG_PROJECT, MANUAL_SALE, TYPICAL_SALE
from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.deals.repository import DealRepository, PipelineRepository, StageLog
from crmcore.errors import CRMError, EntityNotFoundError
from crmcore.ids import (
    AgreementId,
    ClaimId,
    ContactPersonId,
    DealId,
    EntityRef,
    InteractionId,
    PartnerId,
    PipelineId,
    RelationshipId,
    RequestId,
    RuleId,
    UserId,
)
from crmcore.interactions.kinds import InteractionKind, InteractionStatus
from crmcore.interactions.model import Interaction, Reminder
from crmcore.interactions.repository import InteractionRepository
from crmcore.memory import (
    MemoryAgreementRepository,
    MemoryClaimRepository,
    MemoryContactPersonRepository,
    MemoryDealRepository,
    MemoryInteractionRepository,
    MemoryPartnerRepository,
    MemoryPipelineRepository,
    MemoryRelationshipRepository,
    MemoryRequestRepository,
    MemoryRuleRepository,
    MemoryStageLog,
)
from crmcore.partners.contact_data import Email, Phone
from crmcore.partners.kinds import PartnerKind, PartnerRole, RelationshipKind
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.partners.repository import (
    ContactPersonRepository,
    PartnerRepository,
    RelationshipRepository,
)
from crmcore.requests.kinds import BindingMethod, RequestStatus
from crmcore.requests.model import Binding, ContactData, Request
from crmcore.requests.repository import RequestRepository
from crmcore.rules import Rule as RuleModel
from crmcore.rules import RuleRepository, SendMessage, Trigger, TriggerKind

__all__ = [
    "agreement_repository_comparison",
    "claim_repository_comparison",
    "contact_person_repository_comparison",
    "deal_repository_comparison",
    "interaction_repository_comparison",
    "partner_repository_comparison",
    "pipeline_repository_comparison",
    "relationship_repository_comparison",
    "request_repository_comparison",
    "rule_repository_comparison",
    "stage_log_comparison",
]

R = TypeVar("R")

_CREATED_AT: Final = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
_IDS: Final = ("x-1", "x-2", "x-3", "x-4", "x-5")
_NAMES: Final = ("Ромашка", "РОМАШКА-ЮГ", "ромашка плюс", "Лютик", "Straße", "STRASSE Logistik")
_FULL_NAMES: Final = (None, 'ООО "Ромашка"', "Акционерное общество Лютик", "Альфа-Банк")
_SEARCHED_NAMES: Final = (*_NAMES, *(name for name in _FULL_NAMES if name))
_INNS: Final = ("7707083893", "7736050003", "7702070139")
_KPPS: Final = (None, "770701001", "773601001")
_PHONES: Final = ("+74951234567", "+74232123456", "+79161234567", "+4930123456")
_EMAILS: Final = ("info@romashka.ru", "Info@romashka.ru", "иван@почта.рф", "Иван@почта.рф")
_CASES: Final[tuple[Callable[[str], str], ...]] = (str, str.upper, str.lower, str.swapcase)
_ERROR_CONTEXT: Final = (
    "entity_type",
    "entity_id",
    "key",
    "expected_version",
    "actual_version",
    "fields",
)

_ids = st.sampled_from(_IDS)
_unknown_or_known_ids = st.sampled_from((*_IDS, "x-404"))
_phones = st.lists(st.sampled_from(_PHONES), max_size=2, unique=True).map(
    lambda numbers: tuple(Phone(number=number) for number in numbers)
)
_emails = st.lists(st.sampled_from(_EMAILS), max_size=2, unique_by=str.casefold).map(
    lambda addresses: tuple(Email(address=address) for address in addresses)
)
_cased = st.sampled_from(_CASES)


@st.composite
def _legal_data(draw: st.DrawFn) -> LegalData | None:
    if draw(st.booleans()):
        return None
    return LegalData(tax_id=draw(st.sampled_from(_INNS)), kpp=draw(st.sampled_from(_KPPS)))


_partners = st.builds(
    Partner,
    id=_ids.map(PartnerId),
    kind=st.just(PartnerKind.LEGAL_ENTITY),
    roles=st.just(frozenset({PartnerRole.CLIENT})),
    short_name=st.sampled_from(_NAMES),
    full_name=st.sampled_from(_FULL_NAMES),
    legal=_legal_data(),
    phones=_phones,
    emails=_emails,
    created_at=st.just(_CREATED_AT),
    version=st.integers(min_value=1, max_value=3),
)
_contact_persons = st.builds(
    ContactPerson,
    id=_ids.map(ContactPersonId),
    partner_id=st.sampled_from(("p-1", "p-2")).map(PartnerId),
    name=st.sampled_from(_NAMES),
    phones=_phones,
    emails=_emails,
    created_at=st.just(_CREATED_AT),
    version=st.integers(min_value=1, max_value=3),
)


def _outcome(action: Callable[[], object]) -> tuple[str, object]:
    """What a call returned, or the type and context of the crmcore error it raised."""
    try:
        return "returned", action()
    except CRMError as error:
        context = {name: getattr(error, name) for name in _ERROR_CONTEXT if hasattr(error, name)}
        return "raised", (type(error).__name__, context)


class _Comparison(RuleBasedStateMachine, Generic[R]):
    """Runs each call on the reference and on the subject and requires the same outcome."""

    reference: R
    subject: R

    def compare(self, call: Callable[[R], Any]) -> Any:
        """The outcome of ``call`` on both repositories; fails if they differ."""
        expected = _outcome(lambda: call(self.reference))
        actual = _outcome(lambda: call(self.subject))
        assert actual == expected, f"reference gave {expected!r}, subject gave {actual!r}"
        return expected[1]

    def saved_version(self, read: Callable[[R], Any]) -> int:
        """The version the reference stores for an entity, or 1 if it has none."""
        try:
            version: int = read(self.reference).version
        except EntityNotFoundError:
            return 1
        return version


def _configured(
    machine: type[RuleBasedStateMachine], settings: Settings | None
) -> type[RuleBasedStateMachine]:
    if settings is not None:
        machine.TestCase.settings = settings
    return machine


def _saved_change(entity: Any, stored_version: int, offset: int, bump: int) -> tuple[Any, int]:
    """``entity`` at a version ``bump`` past an expected version ``offset`` from the stored."""
    expected_version = max(0, stored_version + offset)
    return attrs.evolve(entity, version=expected_version + bump), expected_version


_offsets = st.sampled_from((0, 0, 0, -1, 1))
_bumps = st.sampled_from((1, 1, 2, 0))


def partner_repository_comparison(
    make_repository: Callable[[], PartnerRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryPartnerRepository``."""

    class PartnerRepositoryComparison(_Comparison[PartnerRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryPartnerRepository()
            self.subject = make_repository()

        @rule(partner=_partners)
        def add(self, partner: Partner) -> None:
            self.compare(lambda repository: repository.add(partner))

        @rule(partner=_partners, offset=_offsets, bump=_bumps)
        def save(self, partner: Partner, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(partner.id))
            changed, expected = _saved_change(partner, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(partner_id=_unknown_or_known_ids)
        def get(self, partner_id: str) -> None:
            self.compare(lambda repository: repository.get(PartnerId(partner_id)))

        @rule(tax_id=st.sampled_from(_INNS), kpp=st.sampled_from(_KPPS))
        def find_by_tax_id(self, tax_id: str, kpp: str | None) -> None:
            self.compare(lambda repository: repository.find_by_tax_id(tax_id, kpp=kpp))

        @rule(number=st.sampled_from(_PHONES))
        def find_by_phone(self, number: str) -> None:
            self.compare(lambda repository: repository.find_by_phone(number))

        @rule(address=st.sampled_from(_EMAILS), case=_cased)
        def find_by_email(self, address: str, case: Callable[[str], str]) -> None:
            self.compare(lambda repository: repository.find_by_email(case(address)))

        @rule(
            name=st.sampled_from(_SEARCHED_NAMES),
            length=st.integers(min_value=0, max_value=8),
            case=_cased,
            limit=st.integers(min_value=-1, max_value=4) | st.just(50),
        )
        def find_by_name_prefix(
            self, name: str, length: int, case: Callable[[str], str], limit: int
        ) -> None:
            prefix = case(name[:length])
            self.compare(lambda repository: repository.find_by_name_prefix(prefix, limit=limit))

        @invariant()
        def same_partners(self) -> None:
            self.compare(lambda repository: (list(repository.iterate()), repository.count()))

    return _configured(PartnerRepositoryComparison, settings)


def contact_person_repository_comparison(
    make_repository: Callable[[], ContactPersonRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryContactPersonRepository``."""

    class ContactPersonRepositoryComparison(_Comparison[ContactPersonRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryContactPersonRepository()
            self.subject = make_repository()

        @rule(person=_contact_persons)
        def add(self, person: ContactPerson) -> None:
            self.compare(lambda repository: repository.add(person))

        @rule(person=_contact_persons, offset=_offsets, bump=_bumps)
        def save(self, person: ContactPerson, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(person.id))
            changed, expected = _saved_change(person, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(person_id=_unknown_or_known_ids)
        def get(self, person_id: str) -> None:
            self.compare(lambda repository: repository.get(ContactPersonId(person_id)))

        @rule(partner_id=st.sampled_from(("p-1", "p-2", "p-3")))
        def of_partner(self, partner_id: str) -> None:
            self.compare(lambda repository: repository.of_partner(PartnerId(partner_id)))

        @rule(number=st.sampled_from(_PHONES))
        def find_by_phone(self, number: str) -> None:
            self.compare(lambda repository: repository.find_by_phone(number))

        @rule(address=st.sampled_from(_EMAILS), case=_cased)
        def find_by_email(self, address: str, case: Callable[[str], str]) -> None:
            self.compare(lambda repository: repository.find_by_email(case(address)))

    return _configured(ContactPersonRepositoryComparison, settings)


_END_IDS: Final = ("e-1", "e-2", "e-3")


@st.composite
def _relationships(draw: st.DrawFn) -> Relationship:
    kind = draw(st.sampled_from(tuple(RelationshipKind)))
    source, target = draw(st.lists(st.sampled_from(_END_IDS), min_size=2, max_size=2, unique=True))
    return Relationship(
        id=RelationshipId(draw(_ids)),
        kind=kind,
        source=EntityRef(entity_type=kind.between, entity_id=source),
        target=EntityRef(entity_type=kind.between, entity_id=target),
        created_at=_CREATED_AT,
    )


_refs = st.builds(
    EntityRef,
    entity_type=st.sampled_from(("partner", "contact_person")),
    entity_id=st.sampled_from(_END_IDS),
)


def relationship_repository_comparison(
    make_repository: Callable[[], RelationshipRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryRelationshipRepository``."""

    class RelationshipRepositoryComparison(_Comparison[RelationshipRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryRelationshipRepository()
            self.subject = make_repository()

        @rule(relationship=_relationships())
        def add(self, relationship: Relationship) -> None:
            self.compare(lambda repository: repository.add(relationship))

        @rule(relationship_id=_unknown_or_known_ids)
        def remove(self, relationship_id: str) -> None:
            self.compare(lambda repository: repository.remove(RelationshipId(relationship_id)))

        @rule(relationship_id=_unknown_or_known_ids)
        def get(self, relationship_id: str) -> None:
            self.compare(lambda repository: repository.get(RelationshipId(relationship_id)))

        @rule(ref=_refs)
        def of(self, ref: EntityRef) -> None:
            self.compare(lambda repository: repository.of(ref))

    return _configured(RelationshipRepositoryComparison, settings)


# --- deals (crmcore.deals) --------------------------------------------------------------

_DEAL_PIPELINES: Final = (TYPICAL_SALE, MANUAL_SALE, LONG_PROJECT)
_MANAGERS: Final = ("u-1", "u-2")
_CLOSES: Final = (None, date(2026, 3, 1), date(2026, 3, 15), date(2026, 4, 1))


@st.composite
def _pooled_deals(draw: st.DrawFn) -> Deal:
    pipeline = draw(st.sampled_from(_DEAL_PIPELINES))
    status = draw(st.sampled_from(tuple(DealStatus)))
    lost = status is DealStatus.LOST
    return Deal(
        id=DealId(draw(_ids)),
        title=draw(st.sampled_from(_NAMES)),
        partner_id=PartnerId(draw(st.sampled_from(("p-1", "p-2")))),
        pipeline_id=pipeline.id,
        kind=pipeline.kind,
        stage=draw(st.sampled_from(pipeline.ordered)).name if pipeline.kind.staged else None,
        status=status,
        expected_close=draw(st.sampled_from(_CLOSES)),
        responsible_manager=UserId(draw(st.sampled_from(_MANAGERS))),
        lost_reason="price" if lost else None,
        created_at=_CREATED_AT,
        stage_entered_at=_CREATED_AT,
        closed_at=_CREATED_AT if status.closed else None,
        version=draw(st.integers(min_value=1, max_value=3)),
    )


def pipeline_repository_comparison(
    make_repository: Callable[[], PipelineRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryPipelineRepository``."""
    pipelines = st.builds(
        lambda pipeline, pipeline_id, version: attrs.evolve(
            pipeline, id=pipeline_id, version=version
        ),
        st.sampled_from(_DEAL_PIPELINES),
        _ids.map(PipelineId),
        st.integers(min_value=1, max_value=3),
    )

    class PipelineRepositoryComparison(_Comparison[PipelineRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryPipelineRepository()
            self.subject = make_repository()

        @rule(pipeline=pipelines)
        def add(self, pipeline: Pipeline) -> None:
            self.compare(lambda repository: repository.add(pipeline))

        @rule(pipeline=pipelines, offset=_offsets, bump=_bumps)
        def save(self, pipeline: Pipeline, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(pipeline.id))
            changed, expected = _saved_change(pipeline, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(pipeline_id=_unknown_or_known_ids)
        def get(self, pipeline_id: str) -> None:
            self.compare(lambda repository: repository.get(PipelineId(pipeline_id)))

        @rule(kind=st.sampled_from(tuple(DealKind)))
        def of_kind(self, kind: DealKind) -> None:
            self.compare(lambda repository: repository.of_kind(kind))

        @invariant()
        def same_pipelines(self) -> None:
            self.compare(lambda repository: list(repository.iterate()))

    return _configured(PipelineRepositoryComparison, settings)


def deal_repository_comparison(
    make_repository: Callable[[], DealRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryDealRepository``."""

    class DealRepositoryComparison(_Comparison[DealRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryDealRepository()
            self.subject = make_repository()

        @rule(deal=_pooled_deals())
        def add(self, deal: Deal) -> None:
            self.compare(lambda repository: repository.add(deal))

        @rule(deal=_pooled_deals(), offset=_offsets, bump=_bumps)
        def save(self, deal: Deal, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(deal.id))
            changed, expected = _saved_change(deal, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(deal_id=_unknown_or_known_ids)
        def get(self, deal_id: str) -> None:
            self.compare(lambda repository: repository.get(DealId(deal_id)))

        @rule(
            partner_id=st.none() | st.sampled_from(("p-1", "p-2", "p-3")).map(PartnerId),
            pipeline_id=st.none() | st.sampled_from(_DEAL_PIPELINES).map(lambda p: p.id),
            status=st.none() | st.sampled_from(tuple(DealStatus)),
            manager=st.none() | st.sampled_from(_MANAGERS).map(UserId),
        )
        def find(
            self,
            partner_id: PartnerId | None,
            pipeline_id: PipelineId | None,
            status: DealStatus | None,
            manager: UserId | None,
        ) -> None:
            self.compare(
                lambda repository: repository.find(
                    partner_id=partner_id,
                    pipeline_id=pipeline_id,
                    status=status,
                    responsible_manager=manager,
                )
            )

        @rule(start=st.sampled_from(_CLOSES[1:]), days=st.integers(min_value=0, max_value=40))
        def closing_between(self, start: date, days: int) -> None:
            end = start + timedelta(days=days)
            self.compare(lambda repository: repository.closing_between(start, end))

        @invariant()
        def same_deals(self) -> None:
            self.compare(lambda repository: (list(repository.iterate()), repository.count()))

    return _configured(DealRepositoryComparison, settings)


_entries = st.builds(
    lambda deal_id, version, minutes, pipeline: StageChange(
        deal_id=DealId(deal_id),
        pipeline_id=pipeline.id,
        status=DealStatus.OPEN,
        at=_CREATED_AT + timedelta(minutes=minutes),
        version=version,
    ),
    _ids,
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(_DEAL_PIPELINES),
)


def stage_log_comparison(
    make_repository: Callable[[], StageLog], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryStageLog``."""

    class StageLogComparison(_Comparison[StageLog]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryStageLog()
            self.subject = make_repository()

        @rule(change=_entries)
        def append(self, change: StageChange) -> None:
            self.compare(lambda log: log.append(change))

        @rule(deal_id=_unknown_or_known_ids)
        def of_deal(self, deal_id: str) -> None:
            self.compare(lambda log: log.of_deal(DealId(deal_id)))

        @rule(
            first=st.integers(min_value=-1, max_value=6),
            length=st.integers(min_value=0, max_value=6),
            pipeline_id=st.none() | st.sampled_from(_DEAL_PIPELINES).map(lambda p: p.id),
        )
        def between(self, first: int, length: int, pipeline_id: PipelineId | None) -> None:
            start = _CREATED_AT + timedelta(minutes=first)
            end = start + timedelta(minutes=length)
            self.compare(lambda log: list(log.between(start, end, pipeline_id=pipeline_id)))

        @invariant()
        def same_count(self) -> None:
            self.compare(lambda log: log.count())

    return _configured(StageLogComparison, settings)


# --- claims (crmcore.claims) ------------------------------------------------------------

_DEPARTMENTS: Final = (None, "Склад", "Продажи")
_CLAIM_HOURS: Final = (0, 4, 8, 30)


@st.composite
def _pooled_claims(draw: st.DrawFn) -> Claim:
    status = draw(st.sampled_from(tuple(ClaimStatus)))
    decided = status in {ClaimStatus.DECIDED, ClaimStatus.CLOSED}
    waiting = status is ClaimStatus.WAITING_FOR_CLAIMANT
    partner = draw(st.sampled_from((None, "p-1", "p-2")))
    due = _CREATED_AT + timedelta(hours=draw(st.sampled_from(_CLAIM_HOURS)))
    return Claim(
        id=ClaimId(draw(_ids)),
        claimant=Claimant(
            role=PartnerRole.CLIENT,
            partner_id=None if partner is None else PartnerId(partner),
            name=draw(st.sampled_from(_NAMES)),
        ),
        registered_at=_CREATED_AT + timedelta(hours=draw(st.sampled_from(_CLAIM_HOURS))),
        channel=ClaimChannel.MANUAL,
        essence=draw(st.sampled_from(_NAMES)),
        response_due=due,
        resolution_due=due + timedelta(hours=draw(st.sampled_from(_CLAIM_HOURS))),
        department=draw(st.sampled_from(_DEPARTMENTS)),
        status=status,
        result=ClaimResult.SATISFIED if decided else None,
        decided_at=_CREATED_AT if decided else None,
        responded_at=draw(st.sampled_from((None, _CREATED_AT))),
        pauses=(Pause(started_at=_CREATED_AT),) if waiting else (),
        version=draw(st.integers(min_value=1, max_value=3)),
    )


def claim_repository_comparison(
    make_repository: Callable[[], ClaimRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryClaimRepository``."""
    moments = st.sampled_from(_CLAIM_HOURS).map(lambda hours: _CREATED_AT + timedelta(hours=hours))

    class ClaimRepositoryComparison(_Comparison[ClaimRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryClaimRepository()
            self.subject = make_repository()

        @rule(claim=_pooled_claims())
        def add(self, claim: Claim) -> None:
            self.compare(lambda repository: repository.add(claim))

        @rule(claim=_pooled_claims(), offset=_offsets, bump=_bumps)
        def save(self, claim: Claim, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(claim.id))
            changed, expected = _saved_change(claim, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(claim_id=_unknown_or_known_ids)
        def get(self, claim_id: str) -> None:
            self.compare(lambda repository: repository.get(ClaimId(claim_id)))

        @rule(
            status=st.none() | st.sampled_from(tuple(ClaimStatus)),
            department=st.sampled_from(_DEPARTMENTS),
            partner_id=st.none() | st.sampled_from(("p-1", "p-2")).map(PartnerId),
            start=st.none() | moments,
            end=st.none() | moments,
        )
        def find(
            self,
            status: ClaimStatus | None,
            department: str | None,
            partner_id: PartnerId | None,
            start: datetime | None,
            end: datetime | None,
        ) -> None:
            self.compare(
                lambda repository: repository.find(
                    status=status, department=department, partner_id=partner_id,
                    registered_from=start, registered_to=end,
                )
            )  # fmt: skip

        @rule(now=moments)
        def overdue(self, now: datetime) -> None:
            self.compare(lambda repository: repository.overdue(now))

        @invariant()
        def same_claims(self) -> None:
            self.compare(lambda repository: repository.find())

    return _configured(ClaimRepositoryComparison, settings)


# --- agreements (crmcore.agreements) ----------------------------------------------------

_AGREEMENT_CONDITIONS: Final = SalesConditions(
    currency="RUB",
    price_type="wholesale",
    payment_form=PaymentForm.BANK_TRANSFER,
    taxation=Taxation(regime=TaxRegime.EXEMPT),
    delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
)
_BASES: Final = ("t-1", "t-2")
_VALID_FROM: Final = (date(2026, 1, 1), date(2026, 3, 1), date(2026, 6, 1))


@st.composite
def _pooled_agreements(draw: st.DrawFn) -> Agreement:
    kind = draw(st.sampled_from(tuple(AgreementKind)))
    status = draw(st.sampled_from(tuple(AgreementStatus)))
    common: dict[str, Any] = {
        "id": AgreementId(draw(_ids)),
        "kind": kind,
        "name": draw(st.sampled_from(_NAMES)),
        "status": status,
        "valid_from": draw(st.sampled_from(_VALID_FROM)),
        "conditions": _AGREEMENT_CONDITIONS,
        "created_at": _CREATED_AT,
        "version": draw(st.integers(min_value=1, max_value=3)),
    }
    if kind is AgreementKind.TYPICAL:
        return Agreement(**common)
    return Agreement(
        **common,
        partner_id=PartnerId(draw(st.sampled_from(("p-1", "p-2")))),
        base_id=AgreementId(draw(st.sampled_from(_BASES))),
        overrides=ConditionOverrides(),
    )


def agreement_repository_comparison(
    make_repository: Callable[[], AgreementRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryAgreementRepository``."""
    statuses = st.none() | st.sampled_from(tuple(AgreementStatus))

    class AgreementRepositoryComparison(_Comparison[AgreementRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryAgreementRepository()
            self.subject = make_repository()

        @rule(agreement=_pooled_agreements())
        def add(self, agreement: Agreement) -> None:
            self.compare(lambda repository: repository.add(agreement))

        @rule(agreement=_pooled_agreements(), offset=_offsets, bump=_bumps)
        def save(self, agreement: Agreement, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(agreement.id))
            changed, expected = _saved_change(agreement, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(agreement_id=_unknown_or_known_ids)
        def get(self, agreement_id: str) -> None:
            self.compare(lambda repository: repository.get(AgreementId(agreement_id)))

        @rule(partner_id=st.sampled_from(("p-1", "p-2", "p-3")), status=statuses)
        def of_partner(self, partner_id: str, status: AgreementStatus | None) -> None:
            self.compare(
                lambda repository: repository.of_partner(PartnerId(partner_id), status=status)
            )

        @rule(base_id=st.sampled_from((*_BASES, "t-3")))
        def based_on(self, base_id: str) -> None:
            self.compare(lambda repository: repository.based_on(AgreementId(base_id)))

        @rule(kind=st.sampled_from(tuple(AgreementKind)), status=statuses)
        def of_kind(self, kind: AgreementKind, status: AgreementStatus | None) -> None:
            self.compare(lambda repository: repository.of_kind(kind, status=status))

        @invariant()
        def same_agreements(self) -> None:
            self.compare(lambda repository: (list(repository.iterate()), repository.count()))

    return _configured(AgreementRepositoryComparison, settings)


# --- interactions (crmcore.interactions) ------------------------------------------------

_INTERACTION_HOURS: Final = (0, 1, 2, 5)
_USERS: Final = ("u-1", "u-2")
_CHAINS: Final = (None, EntityRef(entity_type="deal", entity_id="d-1"))
_WHOLE_DAY: Final = {
    "start": _CREATED_AT - timedelta(days=1),
    "end": _CREATED_AT + timedelta(days=1),
}
_chain_subjects = st.sampled_from(_CHAINS[1:]) | _ids.map(
    lambda i: EntityRef(entity_type="interaction", entity_id=i)
)


@st.composite
def _pooled_interactions(draw: st.DrawFn) -> Interaction:
    status = draw(st.sampled_from(tuple(InteractionStatus)))
    start = _CREATED_AT + timedelta(hours=draw(st.sampled_from(_INTERACTION_HOURS)))
    end = start + timedelta(hours=draw(st.sampled_from(_INTERACTION_HOURS)))
    reminders = draw(st.lists(st.sampled_from(_INTERACTION_HOURS), max_size=2))
    return Interaction(
        id=InteractionId(draw(_ids)), kind=InteractionKind.MEETING,
        topic=draw(st.sampled_from(_NAMES)), subject=draw(st.sampled_from(_CHAINS)),
        start=start, end=end, author=UserId("u-1"),
        responsible=UserId(draw(st.sampled_from(_USERS))), status=status,
        partner_id=draw(st.sampled_from((None, PartnerId("p-1"), PartnerId("p-2")))),
        reminders=tuple(Reminder(before=timedelta(hours=hours)) for hours in reminders),
        completed_at=end if status is InteractionStatus.DONE else None,
        created_at=_CREATED_AT, version=draw(st.integers(min_value=1, max_value=3)),
    )  # fmt: skip


def interaction_repository_comparison(
    make_repository: Callable[[], InteractionRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryInteractionRepository``."""
    moments = st.sampled_from((-1, *_INTERACTION_HOURS, 7)).map(
        lambda hours: _CREATED_AT + timedelta(hours=hours)
    )
    users = st.sampled_from((*_USERS, "u-9")).map(UserId)

    class InteractionRepositoryComparison(_Comparison[InteractionRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryInteractionRepository()
            self.subject = make_repository()

        @rule(interaction=_pooled_interactions())
        def add(self, interaction: Interaction) -> None:
            self.compare(lambda repository: repository.add(interaction))

        @rule(interaction=_pooled_interactions(), offset=_offsets, bump=_bumps)
        def save(self, interaction: Interaction, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(interaction.id))
            changed, expected = _saved_change(interaction, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(interaction_id=_unknown_or_known_ids)
        def get(self, interaction_id: str) -> None:
            self.compare(lambda repository: repository.get(InteractionId(interaction_id)))

        @rule(user=users, now=moments, by_user=st.booleans())
        def pending_and_overdue(self, user: UserId, now: datetime, by_user: bool) -> None:
            self.compare(lambda repository: repository.pending(user))
            chosen = user if by_user else None
            self.compare(lambda repository: repository.overdue(now, user=chosen))

        @rule(user=users, start=moments, end=moments)
        def of_user_and_reminding(self, user: UserId, start: datetime, end: datetime) -> None:
            self.compare(lambda repository: repository.of_user(user, start=start, end=end))
            self.compare(lambda repository: repository.reminding(start, end))

        @rule(
            partner_id=st.sampled_from(("p-1", "p-2")).map(PartnerId),
            limit=st.none() | st.integers(min_value=0, max_value=3),
        )
        def history(self, partner_id: PartnerId, limit: int | None) -> None:
            self.compare(lambda repository: repository.history(partner_id, limit=limit))

        @rule(subject=_chain_subjects)
        def chain(self, subject: EntityRef) -> None:
            self.compare(lambda repository: repository.chain(subject))

        @invariant()
        def same_interactions(self) -> None:
            self.compare(lambda repository: repository.of_user(UserId("u-1"), **_WHOLE_DAY))
            self.compare(lambda repository: repository.of_user(UserId("u-2"), **_WHOLE_DAY))

    return _configured(InteractionRepositoryComparison, settings)


# --- requests (crmcore.requests) --------------------------------------------------------

_REQUEST_HOURS: Final = (0, 1, 30, 80)
_SOURCES: Final = ("website_form", "call")
_request_moments = st.sampled_from((-1, *_REQUEST_HOURS, 90)).map(
    lambda hours: _CREATED_AT + timedelta(hours=hours)
)


@st.composite
def _pooled_requests(draw: st.DrawFn) -> Request:
    status = draw(st.sampled_from(tuple(RequestStatus)))
    closed = status in {RequestStatus.REJECTED, RequestStatus.CONVERTED}
    partner = draw(st.sampled_from((None, "p-1", "p-2")))
    binding = None
    if partner is not None:
        binding = Binding(
            partner_id=PartnerId(partner), method=BindingMethod.MANUAL, bound_at=_CREATED_AT
        )
    return Request(
        id=RequestId(draw(_ids)), source=draw(st.sampled_from(_SOURCES)),
        received_at=_CREATED_AT + timedelta(hours=draw(st.sampled_from(_REQUEST_HOURS))),
        contact=ContactData(
            name=draw(st.sampled_from(_NAMES)), phones=draw(_phones), emails=draw(_emails)
        ),
        binding=binding,
        responsible_manager=draw(st.sampled_from((None, UserId("u-1"), UserId("u-2")))),
        status=status,
        rejection_reason="spam" if status is RequestStatus.REJECTED else None,
        deal_id=DealId("d-1") if status is RequestStatus.CONVERTED else None,
        closed_at=_CREATED_AT if closed else None,
        version=draw(st.integers(min_value=1, max_value=3)),
    )  # fmt: skip


def request_repository_comparison(
    make_repository: Callable[[], RequestRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryRequestRepository``."""
    cased_emails = st.lists(st.tuples(st.sampled_from(_EMAILS), _cased), max_size=2).map(
        lambda pairs: [Email.parse(case(address)) for address, case in pairs]
    )

    class RequestRepositoryComparison(_Comparison[RequestRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryRequestRepository()
            self.subject = make_repository()

        @rule(request=_pooled_requests())
        def add(self, request: Request) -> None:
            self.compare(lambda repository: repository.add(request))

        @rule(request=_pooled_requests(), offset=_offsets, bump=_bumps)
        def save(self, request: Request, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(request.id))
            changed, expected = _saved_change(request, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(request_id=_unknown_or_known_ids)
        def get(self, request_id: str) -> None:
            self.compare(lambda repository: repository.get(RequestId(request_id)))

        @rule(
            status=st.none() | st.sampled_from(tuple(RequestStatus)),
            source=st.none() | st.sampled_from(_SOURCES),
            manager=st.none() | st.sampled_from(("u-1", "u-2")).map(UserId),
            partner_id=st.none() | st.sampled_from(("p-1", "p-2")).map(PartnerId),
            start=st.none() | _request_moments,
            end=st.none() | _request_moments,
        )
        def find(
            self,
            status: RequestStatus | None,
            source: str | None,
            manager: UserId | None,
            partner_id: PartnerId | None,
            start: datetime | None,
            end: datetime | None,
        ) -> None:
            self.compare(
                lambda repository: repository.find(
                    status=status, source=source, manager=manager, partner_id=partner_id,
                    received_from=start, received_to=end,
                )
            )  # fmt: skip

        @rule(phones=_phones, emails=cased_emails, since=_request_moments)
        def from_contact(
            self, phones: tuple[Phone, ...], emails: list[Email], since: datetime
        ) -> None:
            self.compare(
                lambda repository: repository.from_contact(
                    phones=phones, emails=emails, received_from=since
                )
            )

        @invariant()
        def same_requests(self) -> None:
            self.compare(lambda repository: repository.find())

    return _configured(RequestRepositoryComparison, settings)


# --- rules (crmcore.rules) --------------------------------------------------------------

_RULE_ENTITIES: Final = ("deal", "request", "claim")


@st.composite
def _pooled_rules(draw: st.DrawFn) -> RuleModel:
    entity = draw(st.sampled_from(_RULE_ENTITIES))
    return RuleModel(
        id=RuleId(draw(_ids)),
        name=draw(st.sampled_from(_NAMES)),
        enabled=draw(st.booleans()),
        priority=draw(st.integers(-2, 2)),
        trigger=Trigger(entity=entity, on=TriggerKind.CREATED),
        then=(SendMessage(text="{{ id }}"),),
        version=draw(st.integers(min_value=1, max_value=3)),
    )


def rule_repository_comparison(
    make_repository: Callable[[], RuleRepository], *, settings: Settings | None = None
) -> type[RuleBasedStateMachine]:
    """A state machine comparing ``make_repository()`` with ``MemoryRuleRepository``."""

    class RuleRepositoryComparison(_Comparison[RuleRepository]):
        def __init__(self) -> None:
            super().__init__()
            self.reference = MemoryRuleRepository()
            self.subject = make_repository()

        @rule(rule_=_pooled_rules())
        def add(self, rule_: RuleModel) -> None:
            self.compare(lambda repository: repository.add(rule_))

        @rule(rule_=_pooled_rules(), offset=_offsets, bump=_bumps)
        def save(self, rule_: RuleModel, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(rule_.id))
            changed, expected = _saved_change(rule_, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        @rule(rule_id=_unknown_or_known_ids)
        def versions(self, rule_id: str) -> None:
            self.compare(lambda repository: repository.versions(RuleId(rule_id)))

        @rule(
            entity=st.none() | st.sampled_from(_RULE_ENTITIES),
            enabled=st.none() | st.booleans(),
            all_versions=st.booleans(),
        )
        def list_rules(self, entity: str | None, enabled: bool | None, all_versions: bool) -> None:
            self.compare(
                lambda repository: repository.list(
                    entity=entity, enabled=enabled, all_versions=all_versions
                )
            )

        @invariant()
        def same_rules(self) -> None:
            self.compare(lambda repository: repository.list(all_versions=True))

    return _configured(RuleRepositoryComparison, settings)
