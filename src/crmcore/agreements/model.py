"""Agreements with clients: typical (for a group of partners) and individual (for one).

>>> from datetime import date, datetime, timezone
>>> from decimal import Decimal
>>> from crmcore.agreements.conditions import DeliveryTerms, SalesConditions, Taxation
>>> from crmcore.agreements.kinds import DeliveryMethod, PaymentForm, TaxRegime
>>> dealers = Agreement(
...     id=AgreementId("a-1"), kind=AgreementKind.TYPICAL, name="Dealers 2026",
...     valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31),
...     conditions=SalesConditions(
...         currency="RUB", price_type="wholesale", payment_form=PaymentForm.BANK_TRANSFER,
...         taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
...         delivery=DeliveryTerms(method=DeliveryMethod.PICKUP)),
...     created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
>>> dealers.status.value, dealers.is_active(date(2026, 3, 1))
('draft', False)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Final

import attrs

from crmcore.agreements.conditions import (
    Audience,
    ConditionOverrides,
    OverrideLimits,
    SalesConditions,
)
from crmcore.agreements.kinds import AgreementKind, AgreementStatus
from crmcore.errors import AgreementNotApplicableError, Violation
from crmcore.ids import AgreementId, EntityRef, PartnerId, UserId
from crmcore.partners.model import Partner
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
)
from crmcore.workcalendar import latest

__all__ = ["AGREEMENT", "Agreement", "StatusChange"]

AGREEMENT: Final = "agreement"
_IN_FORCE: Final = frozenset({AgreementStatus.APPROVED, AgreementStatus.EXPIRED})


@attrs.frozen(kw_only=True)
class StatusChange(Model):
    """One entry of an agreement's status log: who moved it where, when and why."""

    event: str = attrs.field(metadata=checks(bounded_text(64)))
    status_from: AgreementStatus = attrs.field(metadata=checks(instance_of(AgreementStatus)))
    status_to: AgreementStatus = attrs.field(metadata=checks(instance_of(AgreementStatus)))
    at: datetime = attrs.field(metadata=checks(aware_datetime))
    actor: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    reason: str | None = attrs.field(
        default=None,
        converter=clean_optional_text,
        metadata=checks(optional(bounded_text(2000, multiline=True))),
    )


@attrs.frozen(kw_only=True)
class Agreement(Model):
    """Sales conditions agreed with clients, with a validity period and an approval status.

    A typical agreement has ``conditions``, an ``audience`` and the ``limits`` its individual
    agreements must keep. An individual agreement names its ``partner_id`` and ``base_id``
    (the typical agreement) and holds ``overrides``; approval fixes its effective conditions
    in ``conditions``, so a document is checked against what was approved even if the typical
    agreement changes later.
    """

    id: AgreementId = attrs.field(metadata=checks(identifier))
    kind: AgreementKind = attrs.field(metadata=checks(instance_of(AgreementKind)))
    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    status: AgreementStatus = attrs.field(
        default=AgreementStatus.DRAFT, metadata=checks(instance_of(AgreementStatus))
    )
    valid_from: date = attrs.field(metadata=checks(plain_date))
    valid_to: date | None = attrs.field(default=None, metadata=checks(optional(plain_date)))
    conditions: SalesConditions | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(SalesConditions)))
    )
    audience: Audience = attrs.field(factory=Audience, metadata=checks(instance_of(Audience)))
    limits: OverrideLimits | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(OverrideLimits)))
    )
    partner_id: PartnerId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    base_id: AgreementId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    overrides: ConditionOverrides | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(ConditionOverrides)))
    )
    manager: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    history: tuple[StatusChange, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(StatusChange)))
    )
    created_at: datetime = attrs.field(metadata=checks(aware_datetime))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))

    @invariant("valid_from", "valid_to")
    def _validity(self) -> Iterator[Violation]:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            message = "must not precede valid_from"
            yield Violation(field="valid_to", message=message, value=self.valid_to)

    @invariant(
        "kind", "status", "conditions", "partner_id", "base_id", "overrides", "limits", "audience"
    )
    def _kind_fields(self) -> Iterator[Violation]:
        if self.kind is AgreementKind.TYPICAL:
            yield from self._typical_problems()
        else:
            yield from self._individual_problems()

    def _typical_problems(self) -> Iterator[Violation]:
        if self.conditions is None:
            yield Violation(field="conditions", message="are required for a typical agreement")
        for name in ("partner_id", "base_id", "overrides"):
            if getattr(self, name) is not None:
                message = "is only for individual agreements"
                yield Violation(field=name, message=message, value=getattr(self, name))

    def _individual_problems(self) -> Iterator[Violation]:
        for name in ("partner_id", "base_id", "overrides"):
            if getattr(self, name) is None:
                yield Violation(field=name, message="is required for an individual agreement")
        if self.limits is not None or self.audience != Audience():
            message = "are only for typical agreements"
            yield Violation(field="limits" if self.limits else "audience", message=message)
        if self.status in _IN_FORCE and self.conditions is None:
            message = "must be resolved when the agreement is approved"
            yield Violation(field="conditions", message=message)

    @property
    def last_changed_at(self) -> datetime:
        """The latest moment recorded on the agreement: its creation or a move of its status;
        no command may be dated before it."""
        return latest(self.created_at, *(change.at for change in self.history))

    @property
    def ref(self) -> EntityRef:
        """This agreement as a typed reference."""
        return EntityRef(entity_type=AGREEMENT, entity_id=self.id)

    def is_valid_on(self, day: date) -> bool:
        """Whether ``day`` falls within the validity period."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def is_active(self, day: date) -> bool:
        """Whether the agreement applies on ``day``: valid then and approved, whatever its
        status today. An agreement expired since still applies to a back-dated document
        within its validity; a closed one applies to the days before it was closed."""
        return self.is_valid_on(day) and self._approved_for(day)

    def _approved_for(self, day: date) -> bool:
        if self.status in _IN_FORCE:
            return True
        if self.status is not AgreementStatus.CLOSED:
            return False
        closes = [c for c in self.history if c.status_to is AgreementStatus.CLOSED]
        closed = closes[-1] if closes else None
        return closed is not None and closed.status_from in _IN_FORCE and day < closed.at.date()

    def covers(self, partner: Partner) -> bool:
        """Whether the agreement is for ``partner``: its own partner, or the typical audience."""
        if self.kind is AgreementKind.INDIVIDUAL:
            return partner.id == self.partner_id
        return self.audience.covers(partner)

    def in_force(self, day: date) -> SalesConditions:
        """The conditions to apply on ``day``; raises :class:`AgreementNotApplicableError`
        naming the reason when the agreement is not active then (see :meth:`is_active`)."""
        if not self._approved_for(day) or self.conditions is None:
            reason = f"it is {self.status.value}, not approved on {day.isoformat()}"
            raise AgreementNotApplicableError(self.id, reason=reason)
        if not self.is_valid_on(day):
            reason = f"it is not valid on {day.isoformat()} ({self.validity_text()})"
            raise AgreementNotApplicableError(self.id, reason=reason)
        return self.conditions

    def validity_text(self) -> str:
        """The validity period as text, ``2026-01-01..2026-12-31`` or ``2026-01-01..``."""
        end = self.valid_to.isoformat() if self.valid_to else ""
        return f"{self.valid_from.isoformat()}..{end}"

    def overlaps(self, other: Agreement) -> bool:
        """Whether the validity periods of the two agreements share a day."""
        ends_after = other.valid_to is None or self.valid_from <= other.valid_to
        starts_before = self.valid_to is None or other.valid_from <= self.valid_to
        return ends_after and starts_before
