"""What a company configures for claims: reasons, deadlines and the working calendar.

A deadline is working time on the company's calendar, in working days and working hours:
``DeadlinePolicy(response=timedelta(hours=8), resolution_days=5)`` answers within eight
working hours and resolves within five working days (Monday 10:00 is due next Monday at
10:00, a holiday in between adds a day), whatever the length of the working day. Without
rules a claim gets exactly that default.

>>> from datetime import timedelta
>>> rules = DeadlineRules(
...     default=DeadlinePolicy(response=timedelta(hours=8), resolution=timedelta(hours=40)),
...     by_priority={ClaimPriority.CRITICAL: DeadlinePolicy(
...         response=timedelta(hours=1), resolution=timedelta(hours=8))},
... )
>>> rules.policy_for(claim_type=None, priority=ClaimPriority.CRITICAL).response
datetime.timedelta(seconds=3600)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Final

import attrs

from crmcore.claims.kinds import ClaimPriority
from crmcore.errors import Violation
from crmcore.validation import (
    Model,
    bounded_text,
    checks,
    clean_text,
    each,
    identifier,
    instance_of,
    int_at_most,
    invariant,
    mapping_of,
    unique,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = ["ClaimReason", "ClaimSettings", "DeadlinePolicy", "DeadlineRules", "ReasonClassifier"]


def _working_hours(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, timedelta) or value < timedelta(0):
        message = "must be a timedelta of working time, 0 or more"
        yield Violation(field=field, message=message, value=value)


_DAYS: Final = checks(int_at_most(366))


@attrs.frozen(kw_only=True)
class DeadlinePolicy(Model):
    """Working time allowed for the first response and for the resolution of a claim: whole
    working days (``response_days``, ``resolution_days``) and then working hours
    (``response``, ``resolution``, a ``timedelta`` of working time: ``timedelta(days=1)`` is
    24 working hours, not a working day)."""

    response: timedelta = attrs.field(default=timedelta(0), metadata=checks(_working_hours))
    resolution: timedelta = attrs.field(default=timedelta(0), metadata=checks(_working_hours))
    response_days: int = attrs.field(default=0, metadata=_DAYS)
    resolution_days: int = attrs.field(default=0, metadata=_DAYS)

    @invariant("response", "response_days", "resolution", "resolution_days")
    def _durations(self) -> Iterator[Violation]:
        for name in ("response", "resolution"):
            if not getattr(self, f"{name}_days") and getattr(self, name) == timedelta(0):
                message = f"needs working days or hours: give {name}_days or {name}"
                yield Violation(field=name, message=message)
        shorter = (self.resolution_days, self.resolution) < (self.response_days, self.response)
        if shorter:
            yield Violation(field="resolution", message="must not be shorter than response")

    def response_due(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        """When a claim registered at ``start`` must be answered, on ``calendar``."""
        return _due(calendar, start, self.response_days, self.response)

    def resolution_due(
        self, calendar: WorkingCalendar, start: datetime, *, paused: timedelta = timedelta(0)
    ) -> datetime:
        """When a claim registered at ``start`` must be resolved, on ``calendar``, with the
        working time it ``paused`` waiting for its claimant added."""
        return _due(calendar, start, self.resolution_days, self.resolution + paused)


def _due(calendar: WorkingCalendar, start: datetime, days: int, hours: timedelta) -> datetime:
    moment = calendar.add_working_days(start, days) if days else start
    return calendar.add_working_time(moment, hours)


@attrs.frozen(kw_only=True)
class DeadlineRules(Model):
    """Deadline policies by claim type, else by priority, else the default: an answer within
    8 working hours and a resolution within 5 working days."""

    default: DeadlinePolicy = attrs.field(
        factory=lambda: DeadlinePolicy(response=timedelta(hours=8), resolution_days=5),
        metadata=checks(instance_of(DeadlinePolicy)),
    )
    by_priority: Mapping[ClaimPriority, DeadlinePolicy] = attrs.field(
        factory=dict,
        metadata=checks(mapping_of(instance_of(ClaimPriority), instance_of(DeadlinePolicy))),
    )
    by_type: Mapping[str, DeadlinePolicy] = attrs.field(
        factory=dict, metadata=checks(mapping_of(identifier, instance_of(DeadlinePolicy)))
    )

    def policy_for(self, *, claim_type: str | None, priority: ClaimPriority) -> DeadlinePolicy:
        """The policy of a claim of ``claim_type`` and ``priority``."""
        if claim_type is not None and claim_type in self.by_type:
            return self.by_type[claim_type]
        return self.by_priority.get(priority, self.default)


@attrs.frozen(kw_only=True)
class ClaimReason(Model):
    """One reason of the classifier: a stable code and the name people read."""

    code: str = attrs.field(metadata=checks(identifier))
    name: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))


@attrs.frozen(kw_only=True)
class ReasonClassifier(Model):
    """The reasons a claim may be given, configured by the company."""

    reasons: tuple[ClaimReason, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(ClaimReason)), unique(lambda r: r.code, what="code")),
    )

    def name_of(self, code: str) -> str:
        """The name of the reason ``code``, or the code itself when it is unknown."""
        return next((r.name for r in self.reasons if r.code == code), code)

    def unknown(self, codes: Iterable[str]) -> list[str]:
        """The codes that are not reasons of this classifier, in order."""
        known = {reason.code for reason in self.reasons}
        return [code for code in codes if code not in known]


@attrs.frozen(kw_only=True)
class ClaimSettings(Model):
    """Everything configured for claims, passed to the services that need it."""

    reasons: ReasonClassifier = attrs.field(
        factory=ReasonClassifier, metadata=checks(instance_of(ReasonClassifier))
    )
    deadlines: DeadlineRules = attrs.field(
        factory=DeadlineRules, metadata=checks(instance_of(DeadlineRules))
    )
    calendar: WorkingCalendar = attrs.field(
        factory=WorkingCalendar, metadata=checks(instance_of(WorkingCalendar))
    )
    claim_types: frozenset[str] = attrs.field(
        default=frozenset(), metadata=checks(each(identifier, container=frozenset))
    )
