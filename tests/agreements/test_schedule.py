"""Payment schedules: instalments add up to the cent, never fall due before the order, and
month ends and working days are handled."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.agreements import DayCount, PaymentBasis, PaymentSchedule, PaymentStage
from crmcore.errors import DomainValidationError
from crmcore.money import Money
from crmcore.testing.strategies import money, payment_schedules
from crmcore.workcalendar import WorkingCalendar

ORDER_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


def stage(basis: PaymentBasis, percent: int, **fields: int) -> PaymentStage:
    return PaymentStage(basis=basis, percent=Decimal(percent), **fields)


@given(
    payment_schedules(),
    ORDER_DAYS,
    st.integers(0, 60),
    money(min_value=0, max_value=10**9),
)
def test_instalments_add_up_to_the_amount_and_never_precede_the_order(
    schedule: PaymentSchedule, order_date: date, shipped_after: int, amount: Money
) -> None:
    shipment_date = order_date + timedelta(days=shipped_after)
    dues = schedule.due_dates(order_date, shipment_date, amount)
    assert sum((due.amount for due in dues), Money.zero(amount.currency)) == amount.rounded()
    assert all(due.due_date >= order_date for due in dues)
    assert [due.number for due in dues] == list(range(1, len(schedule.stages) + 1))
    assert [due.percent for due in dues] == [s.percent for s in schedule.stages]
    if schedule.shift_to_working_day:
        assert all(WorkingCalendar().is_working_day(due.due_date) for due in dues)


def test_a_prepayment_and_a_credit_after_shipment() -> None:
    schedule = PaymentSchedule(
        stages=(
            stage(PaymentBasis.ORDER, 30, days=3),
            stage(PaymentBasis.SHIPMENT, 70, days=14),
        )
    )
    dues = schedule.due_dates(date(2026, 3, 2), date(2026, 3, 10), Money.of("1000.00", "RUB"))
    assert [(d.due_date, str(d.amount)) for d in dues] == [
        (date(2026, 3, 5), "300.00 RUB"),
        (date(2026, 3, 24), "700.00 RUB"),
    ]


def test_thirds_lose_no_kopeck() -> None:
    schedule = PaymentSchedule(
        stages=(
            PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal("33.33")),
            PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal("33.33")),
            PaymentStage(basis=PaymentBasis.SHIPMENT, percent=Decimal("33.34")),
        )
    )
    dues = schedule.due_dates(date(2026, 3, 2), date(2026, 3, 2), Money.of("100.00", "RUB"))
    assert [str(due.amount) for due in dues] == ["33.33 RUB", "33.33 RUB", "33.34 RUB"]


def test_a_30_70_schedule_puts_the_odd_kopeck_on_the_instalment_it_rounds_to() -> None:
    schedule = PaymentSchedule(
        stages=(stage(PaymentBasis.ORDER, 30), stage(PaymentBasis.SHIPMENT, 70, days=14))
    )
    dues = schedule.due_dates(date(2026, 3, 2), date(2026, 3, 10), Money.of("10000.01", "RUB"))
    assert [str(due.amount) for due in dues] == ["3000.00 RUB", "7000.01 RUB"]


@pytest.mark.parametrize(
    ("shipment", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_months_after_shipment_end_at_the_end_of_a_shorter_month(
    shipment: date, months: int, expected: date
) -> None:
    schedule = PaymentSchedule(stages=(stage(PaymentBasis.SHIPMENT, 100, months=months),))
    (due,) = schedule.due_dates(shipment, shipment, Money.of(10, "RUB"))
    assert due.due_date == expected


@pytest.mark.parametrize(
    ("shipment", "day", "expected"),
    [
        (date(2026, 2, 1), 31, date(2026, 2, 28)),
        (date(2026, 1, 31), 31, date(2026, 1, 31)),
        (date(2026, 3, 1), 31, date(2026, 3, 31)),
        (date(2026, 1, 16), 15, date(2026, 2, 15)),
        (date(2026, 2, 15), 15, date(2026, 2, 15)),
    ],
)
def test_a_fixed_day_of_the_month_is_the_next_such_day_or_the_month_end(
    shipment: date, day: int, expected: date
) -> None:
    schedule = PaymentSchedule(stages=(stage(PaymentBasis.DAY_OF_MONTH, 100, day_of_month=day),))
    (due,) = schedule.due_dates(shipment, shipment, Money.of(10, "RUB"))
    assert due.due_date == expected


def test_working_days_skip_weekends_and_the_hosts_holidays() -> None:
    calendar = WorkingCalendar(holidays=frozenset({date(2026, 3, 9)}))
    schedule = PaymentSchedule(
        stages=(stage(PaymentBasis.SHIPMENT, 100, days=3),), day_count=DayCount.WORKING
    )
    # Thursday 5 March + 3 working days: Friday 6, (weekend, holiday Monday 9) 10, 11.
    (due,) = schedule.due_dates(
        date(2026, 3, 5), date(2026, 3, 5), Money.of(10, "RUB"), calendar=calendar
    )
    assert due.due_date == date(2026, 3, 11)


def test_a_due_date_on_a_day_off_moves_to_the_next_working_day() -> None:
    schedule = PaymentSchedule(
        stages=(stage(PaymentBasis.SHIPMENT, 100, days=2),), shift_to_working_day=True
    )
    (due,) = schedule.due_dates(date(2026, 3, 5), date(2026, 3, 5), Money.of(10, "RUB"))
    assert due.due_date == date(2026, 3, 9)


def test_percentages_must_sum_to_100_and_every_bad_field_is_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        PaymentSchedule(
            stages=(stage(PaymentBasis.ORDER, 30), stage(PaymentBasis.SHIPMENT, 60)),
        )
    assert raised.value.field == "stages"
    assert "sum to 100, not 90" in str(raised.value)
    with pytest.raises(DomainValidationError) as raised:
        PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal(0), days=-1, day_of_month=5)
    assert set(raised.value.fields) == {"percent", "days", "day_of_month"}
    with pytest.raises(DomainValidationError) as raised:
        stage(PaymentBasis.DAY_OF_MONTH, 100, day_of_month=32)
    assert raised.value.field == "day_of_month"
    with pytest.raises(DomainValidationError) as raised:
        PaymentSchedule(stages=())
    assert raised.value.field == "stages"


def test_bad_dates_and_amounts_are_named() -> None:
    schedule = PaymentSchedule(stages=(stage(PaymentBasis.ORDER, 100),))
    with pytest.raises(DomainValidationError) as raised:
        schedule.due_dates(date(2026, 3, 5), date(2026, 3, 4), Money.of("-1", "RUB"))
    assert raised.value.fields == ("shipment_date", "amount")


def test_a_calendar_without_working_days_is_named() -> None:
    calendar = WorkingCalendar(working_days=frozenset({0}))
    schedule = PaymentSchedule(stages=(stage(PaymentBasis.ORDER, 100),), shift_to_working_day=True)
    holidays = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(3700))
    with pytest.raises(DomainValidationError) as raised:
        schedule.due_dates(
            date(2026, 1, 1), date(2026, 1, 1), Money.of(1, "RUB"),
            calendar=WorkingCalendar(working_days=calendar.working_days, holidays=holidays),
        )  # fmt: skip
    assert raised.value.field == "calendar"
