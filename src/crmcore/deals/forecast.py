"""Upcoming deals: open deals expected to close in a window, weighted by their stage's
probability, and the open deals whose expected close has passed.

>>> from datetime import date, datetime, timezone
>>> from crmcore.deals.builtin import BUILTIN_PIPELINES
>>> from crmcore.deals.services import DealDraft, open_deal
>>> now = datetime(2026, 3, 2, tzinfo=timezone.utc)
>>> deal = open_deal(DealDraft(title="Pipes", partner_id="p-1", responsible_manager="u-1",
...                            amount=Money.of("100000", "RUB"), expected_close=date(2026, 3, 20)),
...                  pipeline=BUILTIN_PIPELINES["typical_sale"], now=now).entity
>>> report = upcoming([deal], pipelines=BUILTIN_PIPELINES, today=date(2026, 3, 2), days=30,
...                   currency="RUB")
>>> str(report.total), str(report.weighted), report.upcoming[0].probability
('100000 RUB', '5000.00 RUB', Decimal('5'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

import attrs

from crmcore.deals.kinds import DealStatus
from crmcore.deals.model import Deal
from crmcore.deals.pipeline import Pipeline
from crmcore.deals.weights import UNSTAGED_PROBABILITY, deal_probability, weighted
from crmcore.errors import DomainValidationError
from crmcore.money import Money
from crmcore.validation import non_negative_int, raise_violations

__all__ = ["Forecast", "ForecastLine", "upcoming"]

_ZERO: Final = Decimal(0)


@attrs.frozen(kw_only=True)
class ForecastLine:
    """One open deal in the forecast, with its probability (percent: the manager's own
    estimate when the deal has one, else its stage's) and the amount weighted by it."""

    deal_id: str
    title: str
    stage: str | None
    expected_close: date
    amount: Money
    probability: Decimal
    weighted: Money


@attrs.frozen(kw_only=True)
class Forecast:
    """Open deals expected to close in ``[start, end)``, ordered by expected close, in any
    currency; their total and weighted amounts in ``currency`` (``total``, ``weighted``) and
    in each currency they are in (``totals``, ``weighted_totals``, one Money per currency by
    code, ``currency`` always among them); and the ``overdue`` open deals expected before
    ``start``."""

    currency: str
    start: date
    end: date
    upcoming: tuple[ForecastLine, ...]
    overdue: tuple[ForecastLine, ...]
    total: Money
    weighted: Money
    totals: tuple[Money, ...] = ()
    weighted_totals: tuple[Money, ...] = ()


def _line(deal: Deal, pipeline: Pipeline, currency: str, unstaged: Decimal) -> ForecastLine:
    amount = deal.amount if deal.amount is not None else Money.zero(currency)
    stage = None if deal.stage is None else pipeline.stage(deal.stage).probability
    probability = deal_probability(deal.probability, stage, unstaged=unstaged)
    return ForecastLine(
        deal_id=deal.id,
        title=deal.title,
        stage=deal.stage,
        expected_close=deal.expected_close or date.min,
        amount=amount,
        probability=probability,
        weighted=weighted(amount, probability),
    )


def _by_close(line: ForecastLine) -> tuple[date, str]:
    return (line.expected_close, line.deal_id)


def upcoming(
    deals: Iterable[Deal],
    *,
    pipelines: Mapping[str, Pipeline],
    today: date,
    days: int,
    currency: str,
    unstaged_probability: Decimal = UNSTAGED_PROBABILITY,
) -> Forecast:
    """The forecast of the open ``deals`` expected to close within ``days`` from ``today``.

    A deal's own probability (:attr:`Deal.probability`) comes before its stage's (the rule of
    :func:`~crmcore.deals.weights.deal_probability`, which the funnel follows too). Unstaged
    deals without one count at ``unstaged_probability``; a deal
    without an amount counts as zero in ``currency``. Deals in other currencies are listed and
    summed per currency, never converted. A deal of a pipeline missing from ``pipelines``
    raises ``DomainValidationError``.
    """
    raise_violations(non_negative_int("days", days))
    end = today + timedelta(days=days)
    coming: list[ForecastLine] = []
    overdue: list[ForecastLine] = []
    for deal in deals:
        if deal.status is not DealStatus.OPEN or deal.expected_close is None:
            continue
        if deal.expected_close >= end:
            continue
        pipeline = pipelines.get(deal.pipeline_id)
        if pipeline is None:
            message = f"of deal {deal.id!r} is not among the pipelines given"
            raise DomainValidationError.single("pipeline_id", message, value=deal.pipeline_id)
        line = _line(deal, pipeline, currency, unstaged_probability)
        (overdue if deal.expected_close < today else coming).append(line)
    totals, weighted = _per_currency(coming, currency)
    return Forecast(
        currency=currency,
        start=today,
        end=end,
        upcoming=tuple(sorted(coming, key=_by_close)),
        overdue=tuple(sorted(overdue, key=_by_close)),
        total=next(money for money in totals if money.currency == currency),
        weighted=next(money for money in weighted if money.currency == currency),
        totals=totals,
        weighted_totals=weighted,
    )


def _per_currency(
    lines: list[ForecastLine], currency: str
) -> tuple[tuple[Money, ...], tuple[Money, ...]]:
    """The amounts and weighted amounts of ``lines`` summed per currency, ``currency`` among
    them even without a deal."""
    # Summed as decimals and made Money once: the same additions in the same order as adding
    # Money, without checking a Money per addition.
    totals: dict[str, Decimal] = {currency: _ZERO}
    weighted: dict[str, Decimal] = {currency: _ZERO}
    for line in lines:
        code = line.amount.currency
        totals[code] = totals.get(code, _ZERO) + line.amount.amount
        weighted[code] = weighted.get(code, _ZERO) + line.weighted.amount
    codes = sorted(totals)
    return (
        tuple(Money(amount=totals[code], currency=code) for code in codes),
        tuple(Money(amount=weighted[code], currency=code) for code in codes),
    )
