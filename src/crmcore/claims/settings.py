"""What a company configures for claims: reasons, deadlines and the working calendar.

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
from datetime import timedelta

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
    mapping_of,
    unique,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = ["ClaimReason", "ClaimSettings", "DeadlinePolicy", "DeadlineRules", "ReasonClassifier"]


def _positive_duration(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        yield Violation(field=field, message="must be a positive timedelta", value=value)


@attrs.frozen(kw_only=True)
class DeadlinePolicy(Model):
    """Working time allowed for the first response and for the resolution of a claim."""

    response: timedelta = attrs.field(metadata=checks(_positive_duration))
    resolution: timedelta = attrs.field(metadata=checks(_positive_duration))

    def _invariants(self) -> Iterator[Violation]:
        if self.resolution < self.response:
            yield Violation(field="resolution", message="must not be shorter than response")


@attrs.frozen(kw_only=True)
class DeadlineRules(Model):
    """Deadline policies by claim type, else by priority, else the default."""

    default: DeadlinePolicy = attrs.field(
        factory=lambda: DeadlinePolicy(response=timedelta(hours=8), resolution=timedelta(days=5)),
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
