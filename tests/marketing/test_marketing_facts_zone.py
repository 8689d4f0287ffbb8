"""Years of the segment facts are the years of the host's zone, the zone whose date "today"
is for the rules too: a purchase made in Vladivostok at 23:30 on New Year's Eve belongs to
that year, whatever the date in UTC."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from marketing_samples import SCHEMAS, partner, purchase

from crmcore.app import CRM, Settings
from crmcore.app.commands import DefineSegment, RecordPurchases, RegisterPartner
from crmcore.conditions import FieldCondition
from crmcore.marketing import (
    PartnerFacts,
    SegmentDraft,
    SegmentId,
    SegmentPopulation,
    define_segment,
    evaluate_segment,
)
from crmcore.partners import PartnerDraft
from crmcore.workcalendar import WorkingCalendar

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10
CALENDAR = WorkingCalendar(time_zone="Asia/Vladivostok")
EVE = datetime(2026, 12, 31, 23, 30, tzinfo=VLADIVOSTOK)  # 13:30 UTC the same day
# The first morning of 2027 in Vladivostok, while it is still 2026 in UTC.
MORNING = datetime(2027, 1, 1, 9, 0, tzinfo=VLADIVOSTOK)
BIG_BUYERS = FieldCondition(field="purchases_last_year", op="gt", value="50000")


def _facts(now: datetime, calendar: WorkingCalendar | None) -> dict[str, object]:
    buyer = partner("p-1")
    facts = PartnerFacts.of(
        {buyer.id: buyer},
        [purchase("l-1", "d-1", buyer.id, "tyres", "60000", EVE)],
        [],
        currency="RUB",
        now=now,
        calendar=calendar,
    )
    names = ("purchases_last_year", "purchases_this_year", "purchases_last_12_months")
    return {name: facts.fact("partner", buyer.id, name) for name in names}


def test_a_new_years_eve_purchase_is_last_year_on_the_next_local_morning() -> None:
    assert MORNING.astimezone(UTC).year == 2026
    assert _facts(MORNING, CALENDAR) == {
        "purchases_last_year": Decimal(60000),
        "purchases_this_year": Decimal(0),
        "purchases_last_12_months": Decimal(60000),
    }


def test_the_same_purchase_is_this_year_until_midnight_there() -> None:
    before_midnight = datetime(2026, 12, 31, 23, 50, tzinfo=VLADIVOSTOK)
    assert _facts(before_midnight, CALENDAR)["purchases_this_year"] == Decimal(60000)
    assert _facts(before_midnight, CALENDAR)["purchases_last_year"] == Decimal(0)


def test_without_a_calendar_the_year_is_that_of_the_moment_given() -> None:
    assert _facts(MORNING, None)["purchases_last_year"] == Decimal(60000)
    in_utc = MORNING.astimezone(UTC)  # 31 December 2026, 23:00 UTC: the purchase is this year
    assert _facts(in_utc, None)["purchases_this_year"] == Decimal(60000)


def test_a_segment_of_last_years_big_buyers_counts_in_the_calendars_zone() -> None:
    buyer = partner("p-1")
    population = SegmentPopulation(
        partners=[buyer], purchases=[purchase("l-1", "d-1", buyer.id, "tyres", "60000", EVE)]
    )
    draft = SegmentDraft(name="Big buyers", condition=BIG_BUYERS)
    segment = define_segment(draft, segment_id=SegmentId("big"), now=EVE, schemas=SCHEMAS).entity
    local = evaluate_segment(segment, population, now=MORNING, schemas=SCHEMAS, calendar=CALENDAR)
    assert local.ids == {"p-1"}
    utc = evaluate_segment(segment, population, now=MORNING, schemas=SCHEMAS)
    assert utc.ids == {"p-1"}  # ``now`` is on Vladivostok's clock already
    utc_clock = evaluate_segment(segment, population, now=MORNING.astimezone(UTC), schemas=SCHEMAS)
    assert utc_clock.ids == frozenset()
    on_calendar = evaluate_segment(
        segment, population, now=MORNING.astimezone(UTC), schemas=SCHEMAS, calendar=CALENDAR
    )
    assert on_calendar.ids == {"p-1"}


def test_the_crm_reads_the_year_in_its_settings_calendar() -> None:
    crm = CRM.in_memory(settings=Settings(calendar=CALENDAR))
    at = MORNING.astimezone(UTC)
    draft = PartnerDraft(kind="legal_entity", roles=["client"], short_name="Vostok")
    buyer = crm.execute(RegisterPartner(draft=draft, force=True), actor="system", now=at).result
    lines = (purchase("l-1", "d-1", buyer.id, "tyres", "60000", EVE),)
    crm.execute(RecordPurchases(purchases=lines), actor="system", now=at)
    segment = DefineSegment(draft=SegmentDraft(name="Big", condition=BIG_BUYERS), segment_id="big")
    crm.execute(segment, actor="system", now=at)
    members = crm.marketing.segment("big", now=at)
    assert members.ids == {buyer.id}
    assert any("purchases_last_year" in reason for reason in members.members[0].reasons)
