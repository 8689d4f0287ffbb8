"""Date triggers: "three days before a deal's expected close date, create a task".

:func:`fire_time` places a date trigger on the time line of one record; :func:`due_time_triggers`
lists the triggers that came due in the half-open window ``(since, now]``. A host calls it
on a schedule and passes the ``watermark`` of the last answer as the next ``since``: windows
then tile the time line, so no trigger is missed and none comes due twice. Working days
come from the host's :class:`~crmcore.workcalendar.WorkingCalendar` (Monday to Friday
without one).

>>> from datetime import date
>>> shift_days(date(2026, 6, 1), -3, working=True).isoformat()   # Monday, back to Wednesday
'2026-05-27'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Final

import attrs

from crmcore.conditions.moments import local, shift_days, shift_moment
from crmcore.conditions.scope import read, read_path
from crmcore.repository_checks import instant
from crmcore.rules.model import Rule, TimeUnit, TriggerKind
from crmcore.rules.schemas import FieldType, SchemaRegistry
from crmcore.workcalendar import WorkingCalendar, instant_after

__all__ = [
    "DueTrigger",
    "DueTriggers",
    "due_time_triggers",
    "fire_time",
    "local",
    "shift_days",
    "shift_moment",
]

_UNITS: Final = {TimeUnit.MINUTES: "minutes", TimeUnit.HOURS: "hours", TimeUnit.DAYS: "days"}


def fire_time(
    rule: Rule, value: object, *, zone: object, calendar: WorkingCalendar | None = None
) -> datetime | None:
    """When ``rule``'s date trigger fires for a record whose date field holds ``value``.

    A plain date means the start of that day in ``zone`` (the calendar's zone if any); a record
    without the date has no fire time.
    """
    trigger = rule.trigger
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        tz = calendar.zone if calendar is not None else zone
        moment = datetime.combine(value, time(0), tzinfo=tz)  # type: ignore[arg-type]
    else:
        return None
    sign = -1 if trigger.before else 1
    if trigger.working_days:
        return shift_moment(moment, sign * trigger.offset, working=True, calendar=calendar)
    offset = sign * timedelta(**{_UNITS[trigger.unit]: trigger.offset})
    if trigger.unit is TimeUnit.DAYS:
        # Days before a date are days of its calendar: "3 days before 31 March" is the
        # midnight of 28 March there, whatever clock change lies between.
        return moment + offset
    return instant_after(moment, offset)  # minutes and hours are real time


@attrs.frozen(kw_only=True)
class DueTrigger:
    """A date trigger of ``rule_id`` that came due for one record at ``due_at``."""

    rule_id: str
    rule_version: int
    entity: str
    entity_id: str
    field: str
    due_at: datetime


@attrs.frozen(kw_only=True)
class DueTriggers:
    """The triggers that came due, oldest first, and the watermark to pass as the next
    ``since``."""

    due: tuple[DueTrigger, ...]
    watermark: datetime


def due_time_triggers(
    rules: Iterable[Rule],
    records: Mapping[str, Iterable[object]],
    *,
    since: datetime,
    now: datetime,
    schemas: SchemaRegistry | None = None,
    calendar: WorkingCalendar | None = None,
) -> DueTriggers:
    """The date triggers of enabled ``rules`` that came due in ``(since, now]``.

    ``records`` holds the records of each entity type (attrs models or mappings). Each rule
    version counts only where it is effective at the due time. A date trigger names a field
    of the record itself or one of its custom fields (``custom.contract_end``); when
    ``schemas`` is given, a field that is not a date of the entity is skipped rather than
    misread.
    """
    if instant(since) > instant(now):
        return DueTriggers(due=(), watermark=since)
    found = [
        due
        for rule in rules
        if rule.enabled and rule.trigger.on is TriggerKind.DATE
        for due in _due_for_rule(rule, records.get(rule.trigger.entity, ()), since, now, calendar)
        if schemas is None or _is_date_field(schemas, rule)
    ]
    found.sort(key=lambda due: (instant(due.due_at), due.rule_id, due.entity_id))
    return DueTriggers(due=tuple(found), watermark=now)


def _is_date_field(schemas: SchemaRegistry, rule: Rule) -> bool:
    try:
        spec = schemas.resolve(rule.trigger.entity, rule.trigger.field or "").spec
    except LookupError:
        return False
    return spec.type in {FieldType.DATE, FieldType.DATETIME}


def _due_for_rule(
    rule: Rule,
    records: Iterable[object],
    since: datetime,
    now: datetime,
    calendar: WorkingCalendar | None,
) -> Iterator[DueTrigger]:
    field = rule.trigger.field or ""
    # Instants, not wall clocks: the hour clocks go back must not hide a moment in it.
    first, last = instant(since), instant(now)
    for record in records:
        value = read_path(record, field)
        at = fire_time(rule, value, zone=now.tzinfo, calendar=calendar)
        if at is not None and first < instant(at) <= last and rule.effective_at(at):
            yield DueTrigger(
                rule_id=rule.id,
                rule_version=rule.version,
                entity=rule.trigger.entity,
                entity_id=str(read(record, "id")),
                field=field,
                due_at=at,
            )
