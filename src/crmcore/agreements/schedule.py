"""Payment schedules: ordered stages as percentages, and the due dates and amounts they give.

Dates are computed with python-dateutil (``relativedelta`` for months, so that 31 January
plus a month is the last day of February; ``rrule`` for a fixed day of the month, the month's
last day when it is shorter). Amounts are split with :meth:`~crmcore.money.Money.allocate`,
so the instalments add up to the amount to the cent.

>>> from datetime import date
>>> from decimal import Decimal
>>> from crmcore.money import Money
>>> schedule = PaymentSchedule(stages=(
...     PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal(30), days=3),
...     PaymentStage(basis=PaymentBasis.SHIPMENT, percent=Decimal(70), months=1)))
>>> for due in schedule.due_dates(date(2026, 1, 12), date(2026, 1, 31), Money.of(1000, "RUB")):
...     print(due.due_date, due.amount)
2026-01-15 300.00 RUB
2026-02-28 700.00 RUB
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule

from crmcore.agreements.kinds import DayCount, PaymentBasis
from crmcore.errors import DomainValidationError, Violation
from crmcore.money import Money
from crmcore.validation import (
    Model,
    checks,
    each,
    finite_decimal,
    instance_of,
    int_at_most,
    invariant,
    non_negative_int,
    optional,
    plain_date,
    raise_violations,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = ["Instalment", "PaymentSchedule", "PaymentStage"]

HUNDRED: Final = Decimal(100)
_ONE_DAY: Final = timedelta(days=1)
_HORIZON: Final = timedelta(days=3660)
_WEEKDAYS: Final = WorkingCalendar()
_MAX_DAYS: Final = 3660
_MAX_MONTHS: Final = 120


def _percent(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, Decimal) or not value.is_finite():
        yield from finite_decimal(field, value)
    elif not Decimal(0) < value <= HUNDRED:
        yield Violation(field=field, message="must be above 0 and at most 100", value=value)


@attrs.frozen(kw_only=True)
class PaymentStage(Model):
    """One instalment: ``percent`` of the amount, due ``months`` and then ``days`` after the
    date of its ``basis`` (the first ``day_of_month`` on or after that, for that basis)."""

    basis: PaymentBasis = attrs.field(metadata=checks(instance_of(PaymentBasis)))
    percent: Decimal = attrs.field(metadata=checks(_percent))
    days: int = attrs.field(default=0, metadata=checks(int_at_most(_MAX_DAYS)))
    months: int = attrs.field(default=0, metadata=checks(int_at_most(_MAX_MONTHS)))
    day_of_month: int | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(int)))
    )

    @invariant("basis", "day_of_month")
    def _day_of_month(self) -> Iterator[Violation]:
        fixed_day = self.basis is PaymentBasis.DAY_OF_MONTH
        if fixed_day and (self.day_of_month is None or not 1 <= self.day_of_month <= 31):
            yield Violation(
                field="day_of_month",
                message="must be 1-31 for a stage paid on a day of the month",
                value=self.day_of_month,
            )
        if not fixed_day and self.day_of_month is not None:
            yield Violation(
                field="day_of_month",
                message="is only for stages paid on a day of the month",
                value=self.day_of_month,
            )


@attrs.frozen(kw_only=True)
class Instalment(Model):
    """One computed payment: its stage's number (from 1), due date, amount and percentage."""

    number: int = attrs.field(metadata=checks(non_negative_int))
    basis: PaymentBasis = attrs.field(metadata=checks(instance_of(PaymentBasis)))
    due_date: date = attrs.field(metadata=checks(plain_date))
    amount: Money = attrs.field(metadata=checks(instance_of(Money)))
    percent: Decimal = attrs.field(metadata=checks(_percent))


def _stages(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(PaymentStage))(field, value)
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="needs at least one stage")


@attrs.frozen(kw_only=True)
class PaymentSchedule(Model):
    """Ordered payment stages whose percentages sum to 100.

    ``day_count`` says whether the stages' ``days`` are calendar or working days;
    ``shift_to_working_day`` moves a due date that falls on a day off to the next working day.
    """

    stages: tuple[PaymentStage, ...] = attrs.field(metadata=checks(_stages))
    day_count: DayCount = attrs.field(
        default=DayCount.CALENDAR, metadata=checks(instance_of(DayCount))
    )
    shift_to_working_day: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))

    @invariant("stages")
    def _whole(self) -> Iterator[Violation]:
        total = sum((stage.percent for stage in self.stages), Decimal(0))
        if total != HUNDRED:
            yield Violation(
                field="stages", message=f"percentages must sum to 100, not {total}", value=total
            )

    def due_dates(
        self,
        order_date: date,
        shipment_date: date,
        amount: Money,
        *,
        calendar: WorkingCalendar | None = None,
    ) -> tuple[Instalment, ...]:
        """Each stage's instalment for an order of ``amount`` placed on ``order_date`` and
        shipped on ``shipment_date``; working days come from ``calendar`` (Monday to Friday
        when none is given). No due date precedes the order date; amounts add up to the cent."""
        _check_input(order_date, shipment_date, amount)
        days_off = calendar if calendar is not None else _WEEKDAYS
        amounts = amount.allocate([stage.percent for stage in self.stages])
        return tuple(
            Instalment(
                number=number,
                basis=stage.basis,
                due_date=self._due(stage, order_date, shipment_date, days_off),
                amount=part,
                percent=stage.percent,
            )
            for number, (stage, part) in enumerate(zip(self.stages, amounts, strict=True), 1)
        )

    def _due(
        self, stage: PaymentStage, order_date: date, shipment_date: date, days_off: WorkingCalendar
    ) -> date:
        start = order_date if stage.basis is PaymentBasis.ORDER else shipment_date
        due = start + relativedelta(months=stage.months)
        if self.day_count is DayCount.WORKING:
            due = _add_working_days(due, stage.days, days_off)
        else:
            due += stage.days * _ONE_DAY
        if stage.day_of_month is not None:
            due = _next_day_of_month(due, stage.day_of_month)
        if self.shift_to_working_day:
            due = _add_working_days(due, 0, days_off)
        return due


def _check_input(order_date: date, shipment_date: date, amount: Money) -> None:
    problems = [*plain_date("order_date", order_date), *plain_date("shipment_date", shipment_date)]
    if not problems and shipment_date < order_date:
        message = "must not precede the order date"
        problems.append(Violation(field="shipment_date", message=message, value=shipment_date))
    if not isinstance(amount, Money) or amount.is_negative():
        problems.append(Violation(field="amount", message="must be Money of 0 or more"))
    raise_violations(problems)


def _add_working_days(start: date, days: int, days_off: WorkingCalendar) -> date:
    """The ``days``-th working day after ``start``; for 0, ``start`` or the next working day."""
    day = _next_working_day(start, days_off)
    for _ in range(days):
        day = _next_working_day(day + _ONE_DAY, days_off)
    return day


def _next_working_day(start: date, days_off: WorkingCalendar) -> date:
    day = start
    while not days_off.is_working_day(day):
        day += _ONE_DAY
        if day - start > _HORIZON:
            message = "has no working day within ten years of the date"
            raise DomainValidationError.single("calendar", message, value=start)
    return day


def _next_day_of_month(start: date, day_of_month: int) -> date:
    """The first date on or after ``start`` that is the ``day_of_month``-th of its month, or
    the month's last day when the month is shorter (the 31st in February is the 28th)."""
    # Each month offers the wanted day and its last day; bysetpos=1 keeps the earlier one.
    rule = rrule(MONTHLY, dtstart=start, bymonthday=(day_of_month, -1), bysetpos=1, count=1)
    return rule[0].date()
