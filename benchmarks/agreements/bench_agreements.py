"""Benchmark of crmcore.agreements; prints one JSON object per line.

Measures, per call: the compliance check of a ten-line order (all built-in checks), the due
dates of a three-stage schedule, and a status move through the compiled lifecycle table.
Each figure comes with a baseline measured in the same run: building the order itself (what
the host pays anyway), the same schedule with a plain ``timedelta`` sum, and the same move
run by the python-statemachine class (``Lifecycle.fire``). Run from the repository root::

    python benchmarks/agreements/bench_agreements.py --repeat 2000
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from crmcore.agreements import (
    APPROVAL,
    Agreement,
    AgreementKind,
    AgreementStatus,
    ConditionOverrides,
    DeliveryMethod,
    DeliveryTerms,
    DocumentLine,
    PaymentBasis,
    PaymentForm,
    PaymentSchedule,
    PaymentStage,
    SalesConditions,
    SalesDocument,
    SalesDocumentKind,
    Taxation,
    TaxRegime,
    check_sales_document,
)
from crmcore.ids import AgreementId, PartnerId
from crmcore.memory import MemoryPriceList
from crmcore.money import Money

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
SCHEDULE = PaymentSchedule(
    stages=(
        PaymentStage(basis=PaymentBasis.ORDER, percent=Decimal(30), days=3),
        PaymentStage(basis=PaymentBasis.SHIPMENT, percent=Decimal(40), months=1),
        PaymentStage(basis=PaymentBasis.DAY_OF_MONTH, percent=Decimal(30), day_of_month=31),
    ),
    shift_to_working_day=True,
)
CONDITIONS = SalesConditions(
    currency="RUB",
    price_type="wholesale",
    payment_form=PaymentForm.BANK_TRANSFER,
    taxation=Taxation(regime=TaxRegime.VAT_INCLUDED, rate=Decimal(20)),
    delivery=DeliveryTerms(method=DeliveryMethod.PICKUP),
    payment_schedule=SCHEDULE,
    discount=Decimal(5),
    max_manager_discount=Decimal(10),
    minimum_order=Money.of("1000.00", "RUB"),
)
AGREEMENT = Agreement(
    id=AgreementId("ind-1"),
    kind=AgreementKind.INDIVIDUAL,
    name="Bench",
    status=AgreementStatus.APPROVED,
    valid_from=date(2026, 1, 1),
    partner_id=PartnerId("p-1"),
    base_id=AgreementId("typ-1"),
    overrides=ConditionOverrides(),
    conditions=CONDITIONS,
    created_at=NOW,
)


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def per_call_us(action: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return round((time.perf_counter() - start) / repeat * 1e6, 2)


def prices() -> MemoryPriceList:
    found = MemoryPriceList()
    for number in range(10):
        found.set(
            "wholesale", f"sku-{number}", Money.of(100 + number, "RUB"), since=date(2026, 1, 1)
        )
    return found


def order() -> SalesDocument:
    lines = tuple(
        DocumentLine(product=f"sku-{n}", quantity=Decimal(5), price=Money.of(100 + n, "RUB"),
                     discount=Decimal(5))
        for n in range(10)
    )  # fmt: skip
    return SalesDocument(
        kind=SalesDocumentKind.ORDER, number="ORD-1", date=date(2026, 3, 2),
        partner_id=PartnerId("p-1"), agreement_id=AGREEMENT.id, currency="RUB",
        payment_form=PaymentForm.BANK_TRANSFER, taxation=CONDITIONS.taxation, lines=lines,
    )  # fmt: skip


def plain_dates(order_date: date, shipment: date) -> list[date]:
    return [order_date + timedelta(days=3), shipment + timedelta(days=31), shipment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2000)
    repeat = parser.parse_args().repeat
    source, document = prices(), order()
    assert check_sales_document(document, AGREEMENT, prices=source, now=NOW).passed
    emit(
        figure="compliance_check_us", lines=10,
        value=per_call_us(lambda: check_sales_document(document, AGREEMENT, prices=source,
                                                       now=NOW), repeat),
        baseline_building_the_order_us=per_call_us(order, repeat),
    )  # fmt: skip
    amount = Money.of("12345.67", "RUB")
    ordered, shipped = date(2026, 1, 30), date(2026, 2, 3)
    emit(
        figure="due_dates_us", stages=3,
        value=per_call_us(lambda: SCHEDULE.due_dates(ordered, shipped, amount), repeat),
        baseline_timedelta_sums_us=per_call_us(lambda: plain_dates(ordered, shipped), repeat),
    )  # fmt: skip
    emit(
        figure="status_move_us",
        value=per_call_us(lambda: APPROVAL.target("on_approval", "approve"), repeat),
        baseline_machine_fire_us=per_call_us(
            lambda: APPROVAL.fire("on_approval", "approve"), max(1, repeat // 10)
        ),
    )


if __name__ == "__main__":
    main()
