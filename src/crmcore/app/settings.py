"""What a :class:`~crmcore.app.CRM` is configured with: pipelines, calendars, staff, custom
fields, the settings of requests and claims, the rules' schemas and gates, and limits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta, tzinfo
from typing import Any

import attrs

from crmcore.claims import ClaimSettings
from crmcore.customfields import CustomFieldRegistry
from crmcore.deals import BUILTIN_GATES, BUILTIN_PIPELINES, Gate, Pipeline
from crmcore.errors import Violation
from crmcore.intake import SpamRules
from crmcore.requests import RequestSettings
from crmcore.rules import DEFAULT_WEBHOOKS, SchemaRegistry, Staff, WebhookPolicy, default_schemas
from crmcore.tasks import ProjectPlan
from crmcore.validation import (
    Model,
    checks,
    each,
    freeze,
    identifier,
    instance_of,
    non_negative_int,
    positive_int,
    unique,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = ["Settings"]


def _zone(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tzinfo):
        yield Violation(field=field, message="must be a time zone")


def _unique_pipelines(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple):
        return
    seen: set[str] = set()
    for index, pipeline in enumerate(value):
        pipeline_id = getattr(pipeline, "id", None)
        if pipeline_id in seen:
            yield Violation(field=f"{field}[{index}]", message="repeats a pipeline id")
        if isinstance(pipeline_id, str):
            seen.add(pipeline_id)


def _default_schemas(settings: Any) -> SchemaRegistry:
    return default_schemas(settings.custom_fields)


@attrs.frozen(kw_only=True)
class Settings(Model):
    """The configuration of one CRM; every field has a working default.

    ``users`` are the actors allowed to execute commands beside the staff's members and
    ``system_actors`` (the actor of :meth:`~crmcore.app.CRM.tick`). ``max_retries`` bounds how
    often a command is run again after a concurrent writer won; ``max_delivery_attempts``
    how often an outbox message may fail before it waits for a person.
    """

    pipelines: tuple[Pipeline, ...] = attrs.field(
        default=tuple(BUILTIN_PIPELINES.values()),
        converter=tuple,
        metadata=checks(each(instance_of(Pipeline)), _unique_pipelines),
    )
    calendar: WorkingCalendar = attrs.field(
        factory=WorkingCalendar, metadata=checks(instance_of(WorkingCalendar))
    )
    zone: tzinfo = attrs.field(factory=lambda: WorkingCalendar().zone, metadata=checks(_zone))
    staff: Staff = attrs.field(
        factory=lambda: Staff(members=()), metadata=checks(instance_of(Staff))
    )
    users: frozenset[str] = attrs.field(
        default=frozenset(),
        converter=frozenset,
        metadata=checks(each(identifier, container=frozenset)),
    )
    system_actors: frozenset[str] = attrs.field(
        default=frozenset({"system"}),
        converter=frozenset,
        metadata=checks(each(identifier, container=frozenset)),
    )
    custom_fields: CustomFieldRegistry = attrs.field(
        factory=CustomFieldRegistry, metadata=checks(instance_of(CustomFieldRegistry))
    )
    requests: RequestSettings = attrs.field(
        factory=RequestSettings, metadata=checks(instance_of(RequestSettings))
    )
    spam: SpamRules = attrs.field(factory=SpamRules, metadata=checks(instance_of(SpamRules)))
    claims: ClaimSettings = attrs.field(
        factory=ClaimSettings, metadata=checks(instance_of(ClaimSettings))
    )
    schemas: SchemaRegistry = attrs.field(
        default=attrs.Factory(_default_schemas, takes_self=True),
        metadata=checks(instance_of(SchemaRegistry)),
    )
    gates: Mapping[str, Gate] = attrs.field(default=BUILTIN_GATES, converter=freeze)
    default_region: str = "RU"
    default_pipeline: str | None = attrs.field(default=None)
    first_tick: timedelta = attrs.field(
        default=timedelta(days=1), metadata=checks(instance_of(timedelta))
    )
    rules_refresh: timedelta = attrs.field(
        default=timedelta(seconds=30), metadata=checks(instance_of(timedelta))
    )
    max_rule_depth: int = attrs.field(default=8, metadata=checks(positive_int))
    max_retries: int = attrs.field(default=3, metadata=checks(non_negative_int))
    max_delivery_attempts: int = attrs.field(default=5, metadata=checks(positive_int))
    project_plans: tuple[ProjectPlan, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(ProjectPlan)), unique(lambda p: p.id, what="plan id")),
    )
    """The plans projects start from (the rules' ``start_project`` names them by id)."""
    webhooks: WebhookPolicy = attrs.field(
        default=DEFAULT_WEBHOOKS, metadata=checks(instance_of(WebhookPolicy))
    )
    """Where the rules' webhooks may go: https to public hosts by default, or the hosts it
    allows (a rule saved with another target is refused)."""

    def _invariants(self) -> Iterator[Violation]:
        # A pipeline is loaded with the gates it will be run with: a gate that is not among
        # them, or an argument its gate refuses, would make a stage no deal can enter.
        for index, pipeline in enumerate(self.pipelines):
            for problem in pipeline.gate_problems(self.gates):
                yield problem.under(f"pipelines[{index}]")

    def knows(self, actor: str) -> bool:
        """Whether ``actor`` may execute commands."""
        return (
            actor in self.users
            or actor in self.system_actors
            or any(member.user == actor for member in self.staff.members)
        )

    def project_plan(self, plan_id: str) -> ProjectPlan | None:
        """The project plan ``plan_id`` of the settings, if any."""
        return next((p for p in self.project_plans if p.id == plan_id), None)

    def pipeline(self, pipeline_id: str) -> Pipeline | None:
        """The pipeline ``pipeline_id`` of the settings, if any."""
        return next((p for p in self.pipelines if p.id == pipeline_id), None)
