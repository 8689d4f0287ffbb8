"""Deals and the immutable log of their stage and status changes.

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> deal = Deal(id=DealId("d-1"), title="  Трубы для «Ромашки» ", partner_id=PartnerId("p-1"),
...             pipeline_id=PipelineId("typical_sale"), kind=DealKind.CONTROLLED,
...             stage="first_contact", responsible_manager=UserId("u-ivanov"),
...             created_at=at, stage_entered_at=at)
>>> deal.title, deal.status.value, deal.version
('Трубы для «Ромашки»', 'open', 1)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final

import attrs

from crmcore.agreements.conditions import percent_between
from crmcore.customfields import CustomValue, custom_values
from crmcore.deals.items import LineItem, items_total
from crmcore.deals.kinds import DealKind, DealStatus, DocumentKind
from crmcore.deals.pipeline import code
from crmcore.errors import Violation
from crmcore.ids import DealId, EntityRef, PartnerId, PipelineId, UserId
from crmcore.money import Money, not_negative
from crmcore.validation import (
    Model,
    aware_datetime,
    bounded_text,
    checks,
    clean_optional_text,
    clean_text,
    each,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    plain_date,
    unique,
)
from crmcore.workcalendar import latest

__all__ = ["DEAL", "MAX_LINE_ITEMS", "MAX_TAGS", "Deal", "StageChange"]

DEAL: Final = "deal"
_DOCUMENT_KINDS: Final = frozenset(kind.value for kind in DocumentKind)
_COMMENT = checks(optional(bounded_text(2000, multiline=True)))
_PERCENT: Final = percent_between(Decimal(0), Decimal(100))
MAX_LINE_ITEMS: Final = 1000
"""The most line items a deal holds."""
MAX_TAGS: Final = 100
"""The most tags a deal holds."""


def _documents(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple):
        return
    for index, ref in enumerate(value):
        if isinstance(ref, EntityRef) and ref.entity_type not in _DOCUMENT_KINDS:
            message = "must reference a document kind: " + ", ".join(sorted(_DOCUMENT_KINDS))
            yield Violation(
                field=f"{field}[{index}].entity_type", message=message, value=ref.entity_type
            )


def _tags(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset):
        yield Violation(field=field, message="must be a frozenset of tags", value=value)
        return
    if len(value) > MAX_TAGS:
        yield Violation(field=field, message=f"must have at most {MAX_TAGS} tags")
        return
    for tag in sorted(value, key=repr):
        yield from bounded_text(100)(field, tag)


def _users(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, frozenset):
        yield Violation(field=field, message="must be a frozenset of user ids", value=value)
        return
    for user in sorted(value, key=str):
        yield from identifier(field, user)


_AMOUNT: Final = optional(not_negative)
"""An amount that may be missing, else Money of 0 or more."""


@attrs.frozen(kw_only=True)
class Deal(Model):
    """The sales process with a client, from the first contact to shipment.

    ``stage`` is ``None`` exactly for unstaged deals. ``documents`` references the commercial
    offers, agreement, supplier orders, business plan and interactions of the deal, each typed
    by a :class:`DocumentKind` value. A lost deal keeps its reason, and the competitor who won
    it if known.

    A deal with ``line_items`` has the sum of their amounts as its ``amount``; without items
    the amount is set by hand. ``probability`` is the manager's own estimate in percent,
    which the forecast uses instead of the stage's; ``source`` and ``campaign_id`` say where
    the deal came from, ``next_step`` and ``next_step_due`` what happens next.
    """

    id: DealId = attrs.field(metadata=checks(identifier))
    title: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    partner_id: PartnerId = attrs.field(metadata=checks(identifier))
    pipeline_id: PipelineId = attrs.field(metadata=checks(identifier))
    kind: DealKind = attrs.field(metadata=checks(instance_of(DealKind)))
    stage: str | None = attrs.field(default=None, metadata=checks(optional(code)))
    status: DealStatus = attrs.field(
        default=DealStatus.OPEN, metadata=checks(instance_of(DealStatus))
    )
    amount: Money | None = attrs.field(default=None, metadata=checks(_AMOUNT))
    expected_close: date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    responsible_manager: UserId = attrs.field(metadata=checks(identifier))
    co_executors: frozenset[UserId] = attrs.field(factory=frozenset, metadata=checks(_users))
    documents: tuple[EntityRef, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(EntityRef)), _documents, unique(str, what="document")),
    )
    custom: Mapping[str, CustomValue] = attrs.field(factory=dict, metadata=checks(custom_values))
    line_items: tuple[LineItem, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(LineItem), max_items=MAX_LINE_ITEMS))
    )
    probability: Decimal | None = attrs.field(default=None, metadata=checks(optional(_PERCENT)))
    tags: frozenset[str] = attrs.field(factory=frozenset, metadata=checks(_tags))
    source: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(100))))
    campaign_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    next_step: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=checks(optional(bounded_text(500)))
    )
    next_step_due: date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    lost_reason: str | None = attrs.field(default=None, metadata=checks(optional(code)))
    competitor_id: PartnerId | None = attrs.field(
        default=None, metadata=checks(optional(identifier))
    )
    lost_comment: str | None = attrs.field(
        default=None, converter=clean_optional_text, metadata=_COMMENT
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    stage_entered_at: datetime = attrs.field(metadata=checks(aware_datetime))
    closed_at: datetime | None = attrs.field(
        default=None, metadata=checks(optional(aware_datetime))
    )
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @property
    def last_changed_at(self) -> datetime:
        """The latest moment recorded on the deal: its opening, its entry into its stage or its
        close; no command may be dated before it."""
        return latest(self.created_at, self.stage_entered_at, self.closed_at)

    @invariant("kind", "stage")
    def _staged(self) -> Iterator[Violation]:
        unstaged = self.kind is DealKind.UNSTAGED
        if not unstaged and self.stage is None:
            yield Violation(field="stage", message=f"a {self.kind.value} deal has a stage")
        if unstaged and self.stage is not None:
            yield Violation(
                field="stage", message="an unstaged deal has no stage", value=self.stage
            )

    @invariant("status", "closed_at")
    def _closed(self) -> Iterator[Violation]:
        if self.status.closed != (self.closed_at is not None):
            message = "is set exactly when the deal is won or lost"
            yield Violation(field="closed_at", message=message, value=self.closed_at)

    @invariant("status", "lost_reason", "competitor_id", "lost_comment")
    def _lost(self) -> Iterator[Violation]:
        lost = self.status is DealStatus.LOST
        if lost != (self.lost_reason is not None):
            yield Violation(field="lost_reason", message="is set exactly when the deal is lost")
        for name in ("competitor_id", "lost_comment"):
            if not lost and getattr(self, name) is not None:
                yield Violation(field=name, message="is kept for lost deals only")

    @invariant("line_items", "amount")
    def _items_sum(self) -> Iterator[Violation]:
        if not self.line_items:
            return
        currencies = sorted({item.amount.currency for item in self.line_items})
        if len(currencies) > 1:
            message = "must all be in one currency, not " + ", ".join(currencies)
            yield Violation(field="line_items", message=message)
            return
        total = items_total(self.line_items)
        if self.amount != total:
            message = f"must be {total}, the sum of the line items, while the deal has items"
            yield Violation(field="amount", message=message, value=str(self.amount))

    @invariant("responsible_manager", "co_executors")
    def _co_executors(self) -> Iterator[Violation]:
        if self.responsible_manager in self.co_executors:
            message = "must not hold the responsible manager"
            yield Violation(field="co_executors", message=message, value=self.responsible_manager)

    @property
    def ref(self) -> EntityRef:
        """This deal as a typed reference."""
        return EntityRef(entity_type=DEAL, entity_id=self.id)

    def linked(self, kind: DocumentKind) -> tuple[EntityRef, ...]:
        """The linked documents of ``kind``."""
        wanted = kind.value
        return tuple(ref for ref in self.documents if ref.entity_type == wanted)


@attrs.frozen(kw_only=True)
class StageChange(Model):
    """One immutable entry of the stage log: a deal's stage or status changed.

    ``version`` is the deal's version after the change, so that the entries of one deal are
    ordered and each is stored once; ``amount`` is the deal's amount at that moment, so that
    reports can sum amounts from the log alone.
    """

    deal_id: DealId = attrs.field(metadata=checks(identifier))
    pipeline_id: PipelineId = attrs.field(metadata=checks(identifier))
    from_stage: str | None = attrs.field(default=None, metadata=checks(optional(code)))
    to_stage: str | None = attrs.field(default=None, metadata=checks(optional(code)))
    from_status: DealStatus | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(DealStatus)))
    )
    status: DealStatus = attrs.field(metadata=checks(instance_of(DealStatus)))
    at: datetime = attrs.field(metadata=checks(aware_datetime))
    by: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    reason: str | None = attrs.field(default=None, converter=clean_optional_text, metadata=_COMMENT)
    amount: Money | None = attrs.field(default=None, metadata=checks(_AMOUNT))
    version: int = attrs.field(metadata=checks(non_negative_int))

    @property
    def opened(self) -> bool:
        """Whether this entry opened the deal."""
        return self.from_status is None
