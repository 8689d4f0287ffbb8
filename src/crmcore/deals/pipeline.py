"""Pipelines as data: the ordered stages of a deal kind, their gates, and the lost reasons.

A pipeline is validated as a whole when it is built: duplicate stage names or orders, next
stages that do not exist, stages no deal can reach, dead ends and a missing final stage are
all reported at once. Gate names depend on the gates a host has loaded, so they are checked by
:meth:`Pipeline.gate_problems` (and together with everything else by
:func:`crmcore.deals.parse_pipeline`).

>>> pipeline = Pipeline(
...     id=PipelineId("simple"), title="Simple sale", kind=DealKind.CONTROLLED,
...     stages=(Stage(name="contact", title="First contact", order=1, probability=Decimal(10)),
...             Stage(name="offer", title="Offer", order=2, probability=Decimal(50),
...                   gates=(StageGate(gate="amount_set"),)),
...             Stage(name="contract", title="Contract", order=3, probability=Decimal(90),
...                   final=True)))
>>> pipeline.first.name, pipeline.forward("contact"), pipeline.forward("contract")
('contact', ('offer',), ())
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from typing import Any, Final

import attrs

from crmcore.deals.kinds import DealKind
from crmcore.errors import DomainValidationError, Violation
from crmcore.ids import PipelineId
from crmcore.serialization import Converter, make_converter
from crmcore.validation import (
    Model,
    bounded_text,
    checks,
    clean_text,
    each,
    finite_decimal,
    identifier,
    instance_of,
    invariant,
    non_negative_int,
    optional,
    raise_violations,
)

__all__ = [
    "DEFAULT_LOST_REASONS",
    "LOST_REASON_FIELDS",
    "LostReasonRequirement",
    "Pipeline",
    "Stage",
    "StageGate",
    "code",
    "parse_pipeline",
]

_CODE: Final = re.compile(r"\A[a-z][a-z0-9_]{0,59}\Z")
DEFAULT_LOST_REASONS: Final = (
    "price",
    "competitor",
    "no_budget",
    "no_response",
    "requirements_not_met",
    "other",
)
"""The lost reasons of a pipeline that does not name its own."""
LOST_REASON_FIELDS: Final = ("competitor_id", "comment")
"""What losing a deal may be required to name, as :func:`~crmcore.deals.lose_deal` takes it."""


def code(field: str, value: object) -> Iterator[Violation]:
    """A snake_case code of 1-60 characters: a stage, gate or lost reason name."""
    if not isinstance(value, str) or not _CODE.match(value):
        message = "must be a snake_case code of 1-60 characters (a-z, 0-9, _)"
        yield Violation(field=field, message=message, value=value)


def _percent(field: str, value: object) -> Iterator[Violation]:
    problems = list(finite_decimal(field, value))
    yield from problems
    if not problems and not Decimal(0) <= value <= Decimal(100):  # type: ignore[operator]
        yield Violation(field=field, message="must be a percentage from 0 to 100", value=value)


@attrs.frozen(kw_only=True)
class StageGate(Model):
    """A gate a stage requires: the name of a loaded gate and its argument, if it takes one
    (``StageGate(gate="custom_field_filled", argument="budget")``)."""

    gate: str = attrs.field(metadata=checks(code))
    argument: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(100))))

    def __str__(self) -> str:
        return self.gate if self.argument is None else f"{self.gate}({self.argument})"


def _lost_fields(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple) or not value or not set(value) <= set(LOST_REASON_FIELDS):
        message = "must name one or more of " + ", ".join(LOST_REASON_FIELDS)
        yield Violation(field=field, message=message, value=value)


@attrs.frozen(kw_only=True)
class LostReasonRequirement(Model):
    """What a deal lost for ``reason`` must name besides: the winning competitor
    (``competitor_id``), a ``comment``, or both."""

    reason: str = attrs.field(metadata=checks(code))
    fields: tuple[str, ...] = attrs.field(metadata=checks(_lost_fields))


def _default_requirements(pipeline: Pipeline) -> tuple[LostReasonRequirement, ...]:
    """A deal lost to a competitor names the competitor, where "competitor" is a reason."""
    if "competitor" not in pipeline.lost_reasons:
        return ()
    return (LostReasonRequirement(reason="competitor", fields=("competitor_id",)),)


@attrs.frozen(kw_only=True)
class Stage(Model):
    """One stage of a pipeline.

    ``probability`` is the percent chance of winning a deal at this stage (for the weighted
    forecast); ``expected_days`` how long a deal usually stays; ``gates`` must hold to enter
    it; a deal is won at a ``final`` stage. ``next_stages`` names the stages a controlled deal
    may move on to; empty means the next stage by ``order``.
    """

    name: str = attrs.field(metadata=checks(code))
    title: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(100)))
    order: int = attrs.field(metadata=checks(non_negative_int))
    probability: Decimal = attrs.field(metadata=checks(_percent))
    expected_days: int | None = attrs.field(
        default=None, metadata=checks(optional(non_negative_int))
    )
    gates: tuple[StageGate, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(StageGate)))
    )
    final: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    next_stages: tuple[str, ...] = attrs.field(default=(), metadata=checks(each(code)))


MAX_STAGES: Final = 200
"""The most stages a pipeline may have."""


@attrs.frozen(kw_only=True, cache_hash=True)
class Pipeline(Model):
    """The stages of one deal kind; several pipelines may exist per kind.

    ``lost_reasons`` is the list a lost deal's reason is chosen from; ``lost_requirements``
    say what a deal lost for one of them must name besides (by default, the competitor of a
    deal lost for "competitor"). ``win_at_any_stage``
    lets manual deals be won before a final stage (controlled deals never are; unstaged deals
    have no stages and are won whenever).
    """

    id: PipelineId = attrs.field(metadata=checks(identifier))
    title: str = attrs.field(converter=clean_text, metadata=checks(bounded_text(200)))
    kind: DealKind = attrs.field(metadata=checks(instance_of(DealKind)))
    # The structural checks compare stages pairwise: a bound keeps them quick.
    stages: tuple[Stage, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Stage), max_items=MAX_STAGES))
    )
    lost_reasons: tuple[str, ...] = attrs.field(
        default=DEFAULT_LOST_REASONS, metadata=checks(each(code))
    )
    win_at_any_stage: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))
    version: int = attrs.field(default=1, metadata=checks(non_negative_int))
    lost_requirements: tuple[LostReasonRequirement, ...] = attrs.field(
        default=attrs.Factory(_default_requirements, takes_self=True),
        metadata=checks(each(instance_of(LostReasonRequirement))),
    )

    def _invariants(self) -> Iterator[Violation]:
        return _structure_problems(self)

    @invariant("lost_requirements", "lost_reasons")
    def _known_lost_reasons(self) -> Iterator[Violation]:
        for index, requirement in enumerate(self.lost_requirements):
            if requirement.reason not in self.lost_reasons:
                message = "must be one of the pipeline's lost reasons"
                field = f"lost_requirements[{index}].reason"
                yield Violation(field=field, message=message, value=requirement.reason)

    def lost_requires(self, reason: str) -> tuple[str, ...]:
        """What a deal lost for ``reason`` must name besides, of :data:`LOST_REASON_FIELDS`."""
        return tuple(
            field
            for requirement in self.lost_requirements
            if requirement.reason == reason
            for field in requirement.fields
        )

    @cached_property
    def ordered(self) -> tuple[Stage, ...]:
        """The stages by ``order``; the first is where new deals start."""
        return tuple(sorted(self.stages, key=lambda stage: stage.order))

    @cached_property
    def _by_name(self) -> dict[str, Stage]:
        return {stage.name: stage for stage in self.stages}

    @property
    def first(self) -> Stage:
        """The stage new deals start at (``DomainValidationError`` for an unstaged pipeline)."""
        if not self.stages:
            raise DomainValidationError.single("stages", "an unstaged pipeline has no stages")
        return self.ordered[0]

    @property
    def final_stages(self) -> tuple[str, ...]:
        """The names of the stages where deals are won, in order."""
        return tuple(stage.name for stage in self.ordered if stage.final)

    def has_stage(self, name: str) -> bool:
        """Whether the pipeline has a stage called ``name``."""
        return name in self._by_name

    def stage(self, name: str) -> Stage:
        """The stage called ``name``, else a ``DomainValidationError`` naming ``stage``."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(stage.name for stage in self.ordered) or "none"
            message = f"is not a stage of pipeline {self.id!r} (stages: {known})"
            raise DomainValidationError.single("stage", message, value=name) from None

    def forward(self, name: str) -> tuple[str, ...]:
        """The stages a deal at ``name`` moves on to: its ``next_stages``, else the next by
        order (manual deals may also jump anywhere; that is the lifecycle's business)."""
        stage = self._by_name[name]
        if stage.next_stages:
            return stage.next_stages
        position = self.ordered.index(stage)
        return tuple(s.name for s in self.ordered[position + 1 : position + 2])

    def gate_problems(self, known: Collection[str]) -> Iterator[Violation]:
        """Gates of the stages that are not in ``known`` (the loaded gates' names) and, when
        ``known`` maps the names to the gates, arguments their gates refuse."""
        for index, stage in enumerate(self.stages):
            for number, gate in enumerate(stage.gates):
                if gate.gate not in known:
                    message = "is not a known gate; known: " + ", ".join(sorted(known))
                    field = f"stages[{index}].gates[{number}].gate"
                    yield Violation(field=field, message=message, value=gate.gate)
        yield from _argument_problems(self, known)


def _argument_problems(pipeline: Pipeline, gates: Collection[str]) -> Iterator[Violation]:
    """The gate arguments that their loaded gates refuse: a gate checks its argument with an
    ``argument_problem(argument)`` method, if it has one (the built-in gates do)."""
    if not isinstance(gates, Mapping):
        return
    for index, stage in enumerate(pipeline.stages):
        for number, required in enumerate(stage.gates):
            check = getattr(gates.get(required.gate), "argument_problem", None)
            problem = check(required.argument) if callable(check) else None
            if problem is not None:
                field = f"stages[{index}].gates[{number}].argument"
                yield Violation(field=field, message=problem, value=required.argument)


def _structure_problems(pipeline: Pipeline) -> Iterator[Violation]:
    if not pipeline.kind.staged:
        if pipeline.stages:
            yield Violation(field="stages", message="an unstaged pipeline has no stages")
        return
    if not pipeline.stages:
        yield Violation(field="stages", message=f"a {pipeline.kind.value} pipeline needs stages")
        return
    yield from _naming_problems(pipeline)
    if not any(stage.final for stage in pipeline.stages):
        yield Violation(
            field="stages", message="needs at least one final stage (deals are won there)"
        )
    if pipeline.kind is DealKind.CONTROLLED:
        yield from _flow_problems(pipeline)
        if pipeline.win_at_any_stage:
            message = "controlled deals are won at a final stage only"
            yield Violation(field="win_at_any_stage", message=message, value=True)
    seen: set[str] = set()
    for index, reason in enumerate(pipeline.lost_reasons):
        if reason in seen:
            yield Violation(
                field=f"lost_reasons[{index}]", message="repeats a reason", value=reason
            )
        seen.add(reason)


def _naming_problems(pipeline: Pipeline) -> Iterator[Violation]:
    names = {stage.name for stage in pipeline.stages}
    seen_names: set[str] = set()
    seen_orders: set[int] = set()
    for index, stage in enumerate(pipeline.stages):
        if stage.name in seen_names:
            yield Violation(
                field=f"stages[{index}].name", message="repeats a stage name", value=stage.name
            )
        if stage.order in seen_orders:
            yield Violation(
                field=f"stages[{index}].order", message="repeats a stage order", value=stage.order
            )
        seen_names.add(stage.name)
        seen_orders.add(stage.order)
        for number, target in enumerate(stage.next_stages):
            if target not in names or target == stage.name:
                message = "must name another stage of this pipeline"
                yield Violation(
                    field=f"stages[{index}].next_stages[{number}]", message=message, value=target
                )


def _flow_problems(pipeline: Pipeline) -> Iterator[Violation]:
    """Stages a controlled deal cannot reach from the first, and non-final dead ends."""
    names = {stage.name for stage in pipeline.stages}
    if len(names) != len(pipeline.stages):
        return
    reached = {pipeline.ordered[0].name}
    pending = [pipeline.ordered[0].name]
    while pending:
        for target in pipeline.forward(pending.pop()):
            if target in names and target not in reached:
                reached.add(target)
                pending.append(target)
    for index, stage in enumerate(pipeline.stages):
        if stage.name not in reached:
            message = f"cannot be reached from the first stage {pipeline.ordered[0].name!r}"
            yield Violation(field=f"stages[{index}]", message=message, value=stage.name)
        elif not stage.final and not pipeline.forward(stage.name):
            message = "is a dead end: not final and no next stage"
            yield Violation(field=f"stages[{index}]", message=message, value=stage.name)


def _raw_gate_problems(data: object, known: Collection[str]) -> Iterator[Violation]:
    """Unknown gate names in a pipeline's JSON form, found without building it."""
    stages = data.get("stages") if isinstance(data, Mapping) else None
    for index, stage in enumerate(stages if isinstance(stages, list) else ()):
        gates = stage.get("gates") if isinstance(stage, Mapping) else None
        for number, gate in enumerate(gates if isinstance(gates, list) else ()):
            name: Any = gate.get("gate") if isinstance(gate, Mapping) else None
            if isinstance(name, str) and name not in known:
                message = "is not a known gate; known: " + ", ".join(sorted(known))
                yield Violation(
                    field=f"stages[{index}].gates[{number}].gate", message=message, value=name
                )


def _raw_naming_problems(data: object) -> Iterator[Violation]:
    """Repeated stage names and orders in a pipeline's JSON form, found without building it:
    reported beside a stage that cannot be read, which keeps the pipeline's own checks from
    running. A list over :data:`MAX_STAGES` is refused as a whole and not looked into."""
    stages = data.get("stages") if isinstance(data, Mapping) else None
    if not isinstance(stages, list) or len(stages) > MAX_STAGES:
        return
    names: set[str] = set()
    orders: set[int] = set()
    for index, stage in enumerate(stages):
        if not isinstance(stage, Mapping):
            continue
        name, order = stage.get("name"), stage.get("order")
        if isinstance(name, str):
            if name in names:
                field = f"stages[{index}].name"
                yield Violation(field=field, message="repeats a stage name", value=name)
            names.add(name)
        if isinstance(order, int) and not isinstance(order, bool):
            if order in orders:
                field = f"stages[{index}].order"
                yield Violation(field=field, message="repeats a stage order", value=order)
            orders.add(order)


def parse_pipeline(
    data: object, *, gates: Collection[str], converter: Converter | None = None
) -> Pipeline:
    """A pipeline from its JSON form, checked as a whole before it is saved.

    Raises one :class:`DomainValidationError` with every problem: wrong fields, duplicate
    stage names, unreachable stages, a missing final stage, gates not in ``gates`` (the
    names of the loaded gates, such as ``crmcore.deals.load_gates()``) and, when ``gates``
    maps names to gates as ``load_gates()`` does, arguments the gates refuse
    (``document_linked`` without a document kind).
    """
    unknown = list(_raw_gate_problems(data, gates))
    try:
        pipeline: Pipeline = (converter or make_converter()).structure(data, Pipeline)
    except DomainValidationError as error:
        found = {(v.field, v.message) for v in error.violations}
        naming = [v for v in _raw_naming_problems(data) if (v.field, v.message) not in found]
        raise DomainValidationError([*error.violations, *naming, *unknown]) from None
    raise_violations([*unknown, *_argument_problems(pipeline, gates)])
    return pipeline
