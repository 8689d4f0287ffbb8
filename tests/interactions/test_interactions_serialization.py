"""Interactions and analytics events, results and untrusted input through JSON; the round trip
of every model is tested once for all areas in tests/test_serialization.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.analytics import (
    BUILTIN_INDICATORS,
    Counterparty,
    Desktop,
    Granularity,
    KpiTable,
    KpiValue,
    Period,
    kpi_table,
)
from crmcore.errors import DomainValidationError
from crmcore.events import DomainEvent
from crmcore.interactions import (
    Direction,
    DueReminder,
    DueReminders,
    Interaction,
    InteractionKind,
    InteractionStatusChanged,
)
from crmcore.serialization import make_converter

CONVERTER = make_converter()


def json_form(value: object, cls: object) -> Any:
    return json.loads(json.dumps(CONVERTER.unstructure(value, cls), ensure_ascii=False))


@settings(max_examples=30)
@given(event=st.from_type(InteractionStatusChanged))
def test_events_round_trip_as_the_tagged_union(event: DomainEvent) -> None:
    form = json_form(event, DomainEvent)
    assert form["type"] == "interaction.status_changed"
    again = CONVERTER.structure(form, DomainEvent)
    assert isinstance(again, InteractionStatusChanged)
    assert json_form(again, DomainEvent) == form


def test_results_round_trip_too() -> None:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    reminder = DueReminder(
        interaction_id="i-1", index=0, at=at, user="u-1", topic="Visit", start=at
    )
    batch = DueReminders(reminders=(reminder,), watermark=at)
    value = KpiValue.compare(Decimal("12.5"), Decimal(10))
    for result, cls in ((batch, DueReminders), (value, KpiValue)):
        assert CONVERTER.structure(CONVERTER.unstructure(result), cls) == result


def test_untrusted_interaction_input_names_every_bad_path() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    call = Interaction(
        id="i-1", kind=InteractionKind.CALL, topic="Price", start=at, end=at, author="u-1",
        responsible="u-1", direction=Direction.INCOMING, duration=timedelta(minutes=3),
        created_at=at,
    )  # fmt: skip
    data = json_form(call, Interaction)
    assert data["duration"] == "PT3M"
    data.update(kind="fax", duration=180, start="2026-01-01T09:00:00", extra=1)
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure(data, Interaction)
    assert set(raised.value.fields) == {"kind", "duration", "start", "extra"}


def test_an_impossible_date_in_a_period_is_named() -> None:
    with pytest.raises(DomainValidationError) as raised:
        CONVERTER.structure({"first": "2023-02-29", "last": "2023-03-01"}, Period)
    assert raised.value.fields == ("first",)


def test_a_kpi_table_and_a_desktop_round_trip() -> None:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    table = kpi_table(
        BUILTIN_INDICATORS,
        period=Period.containing(at.date(), Granularity.MONTH),
        managers=["u-1", "u-2"],
    )
    assert CONVERTER.structure(json_form(table, KpiTable), KpiTable) == table
    meeting = Interaction(
        id="i-1", kind=InteractionKind.MEETING, topic="Visit", start=at, end=at,
        author="u-1", responsible="u-1", partner_id="p-1", created_at=at,
    )  # fmt: skip
    day = Desktop(
        user="u-1", day=at.date(), calendar=(meeting,), events=1, overdue=0,
        counterparties=(Counterparty(partner_id="p-1", name="Ромашка", events=1),),
    )  # fmt: skip
    assert CONVERTER.structure(json_form(day, Desktop), Desktop) == day
