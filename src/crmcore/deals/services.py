"""Services of the deals area: open, edit, move, win, lose, suspend, resume and reopen deals.

Each service is a pure function returning a :class:`DealOutcome`: the new deal, its events,
and the :class:`~crmcore.deals.StageChange` to append to the stage log when the stage or status
changed. A refused command raises and changes nothing.

>>> from datetime import datetime, timezone
>>> from crmcore.deals.builtin import TYPICAL_SALE
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> opened = open_deal(DealDraft(title="Pipes", partner_id="p-1", responsible_manager="u-1"),
...                    pipeline=TYPICAL_SALE, now=now, deal_id=DealId("d-1"))
>>> moved = move_deal(opened.entity, "qualification", pipeline=TYPICAL_SALE, now=now)
>>> moved.entity.stage, moved.stage_change.from_stage, [e.name for e in moved.events]
('qualification', 'first_contact', ['deal.moved'])
>>> move_deal(moved.entity, "commercial_offer", pipeline=TYPICAL_SALE, now=now)
Traceback (most recent call last):
...
crmcore.errors.StageGateError: deal 'd-1' cannot enter 'commercial_offer': client_classified: \
the partner 'p-1' was not given to check its classification; agreement_linked: no agreement \
(sales conditions) is linked to the deal
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from crmcore.customfields import CustomFieldRegistry
from crmcore.deals._checked import maker, replaced
from crmcore.deals._commands import (
    DealOutcome,
    changed_fields,
    check_command,
    log_entry,
)
from crmcore.deals.events import (
    DealChanged,
    DealMoved,
    DealOpened,
)
from crmcore.deals.gates import BUILTIN_GATES, GATES, Gate, GateContext
from crmcore.deals.items import LineItem, items_total
from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.lifecycle import STATUS, Route, event_to, stage_lifecycle, stage_routes
from crmcore.deals.model import DEAL, MAX_LINE_ITEMS, Deal
from crmcore.deals.pipeline import Pipeline, Stage
from crmcore.errors import DomainValidationError, PluginError, StageGateError, Violation
from crmcore.events import changes_between
from crmcore.ids import DealId, EntityRef, PartnerId, UserId, new_id
from crmcore.money import Money
from crmcore.validation import (
    check_now,
    each,
    field_violations,
    instance_of,
    invariant_violations,
    raise_violations,
    read_changes,
    read_collection,
)
from crmcore.workcalendar import check_not_before

__all__ = [
    "DEAL_EDITABLE",
    "DealDraft",
    "MovePreview",
    "edit_deal",
    "move_deal",
    "open_deal",
    "preview_move",
    "set_line_items",
]

DEAL_EDITABLE: Final = (
    "title",
    "amount",
    "expected_close",
    "responsible_manager",
    "co_executors",
    "documents",
    "custom",
    "probability",
    "tags",
    "source",
    "campaign_id",
    "next_step",
    "next_step_due",
)
"""The fields :func:`edit_deal` changes; its other keys are refused."""
# Fields held as frozensets that a change may give as any collection (a JSON list).
_SETS: Final = ("co_executors", "tags")
_NO_CONTEXT: Final = GateContext()
_DEAL_MOVED: Final = maker(DealMoved)


@attrs.frozen(kw_only=True)
class MovePreview:
    """What a move to ``stage`` would meet: ``blocking`` problems refuse it (unmet gates of a
    controlled deal, a stage the deal cannot reach, a closed deal); ``warnings`` are the unmet
    advisory gates of a manual deal."""

    stage: str
    blocking: tuple[Violation, ...] = ()
    warnings: tuple[Violation, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the move would be made."""
        return not self.blocking


@attrs.frozen(kw_only=True)
class DealDraft:
    """A new deal as entered."""

    title: str
    partner_id: PartnerId | str
    responsible_manager: UserId | str
    amount: Money | None = None
    expected_close: date | None = None
    co_executors: Collection[UserId | str] = ()
    documents: Collection[EntityRef] = ()
    custom: Mapping[str, object] = attrs.field(factory=dict)
    tags: Collection[str] = ()
    source: str | None = None
    campaign_id: str | None = None
    probability: Decimal | None = None
    next_step: str | None = None
    next_step_due: date | None = None


def _custom(custom_fields: CustomFieldRegistry | None, value: object) -> object:
    if custom_fields is None or not isinstance(value, Mapping):
        return value
    return custom_fields.validate(DEAL, value)


def _draft_fields(draft: DealDraft, custom_fields: CustomFieldRegistry | None) -> dict[str, Any]:
    """The deal's fields from ``draft``, every problem of them raised at once."""
    collected: list[Violation] = []
    found: list[Violation] = []
    try:
        custom = _custom(custom_fields, draft.custom)
    except DomainValidationError as error:
        collected.extend(error.violations)
        custom = {}
    fields: dict[str, Any] = {
        "title": draft.title,
        "partner_id": draft.partner_id,
        "responsible_manager": draft.responsible_manager,
        "amount": draft.amount,
        "expected_close": draft.expected_close,
        "co_executors": frozenset(
            read_collection("co_executors", draft.co_executors, found, hashable=True) or ()
        ),
        "documents": read_collection("documents", draft.documents, found) or (),
        "custom": dict(custom) if isinstance(custom, Mapping) else custom,
        "tags": frozenset(read_collection("tags", draft.tags, found, hashable=True) or ()),
        "source": draft.source,
        "campaign_id": draft.campaign_id,
        "probability": draft.probability,
        "next_step": draft.next_step,
        "next_step_due": draft.next_step_due,
    }
    for name, value in fields.items():
        if name not in {v.field for v in found}:
            collected.extend(field_violations(Deal, name, value))
    failed = [v.field for v in (*collected, *found)]
    raise_violations([*collected, *found, *invariant_violations(Deal, fields, failed=failed)])
    return fields


def open_deal(
    draft: DealDraft,
    *,
    pipeline: Pipeline,
    now: datetime,
    deal_id: DealId | None = None,
    custom_fields: CustomFieldRegistry | None = None,
    actor: UserId | None = None,
) -> DealOutcome:
    """A new open deal of ``pipeline`` at its first stage (no stage for an unstaged pipeline).

    Raises :class:`DomainValidationError` listing every problem of the draft.
    """
    check_now(now)
    fields = _draft_fields(draft, custom_fields)
    deal = Deal(
        id=deal_id or DealId(new_id()),
        pipeline_id=pipeline.id,
        kind=pipeline.kind,
        stage=pipeline.first.name if pipeline.kind.staged else None,
        created_at=now,
        stage_entered_at=now,
        **fields,
    )
    event = DealOpened(
        entity_id=deal.id, occurred_at=now, changes=changes_between(None, deal), actor=actor
    )
    return DealOutcome(entity=deal, events=(event,), stage_change=log_entry(None, deal, now, actor))


def edit_deal(
    deal: Deal,
    *,
    now: datetime,
    changes: Mapping[str, object],
    custom_fields: CustomFieldRegistry | None = None,
    actor: UserId | None = None,
) -> DealOutcome:
    """``deal`` with ``changes`` applied (title, amount, expected close, responsible manager,
    co-executors, documents, custom fields, probability, tags, source, campaign, next step)
    and a :class:`DealChanged` event; changing nothing returns the deal as it was. Stage and
    status change through their own commands, line items through :func:`set_line_items`; a
    new amount of a deal with line items is refused (it follows the items)."""
    check_now(now)
    check_not_before(now, deal.last_changed_at, entity=f"deal {deal.id!r}")
    read, collected = read_changes(changes, editable=DEAL_EDITABLE)
    fields: dict[str, Any] = dict(read)
    for name in _SETS:
        if isinstance(fields.get(name), list | tuple | set):
            items = read_collection(name, fields.pop(name), collected, hashable=True)
            if items is not None:
                fields[name] = frozenset(items)
    if deal.line_items and "amount" in fields and fields["amount"] != deal.amount:
        message = "follows the deal's line items; change the items instead"
        collected.append(Violation(field="amount", message=message, value=fields.pop("amount")))
    if "custom" in fields:
        try:
            fields["custom"] = _custom(custom_fields, fields["custom"])
        except DomainValidationError as error:
            collected.extend(error.violations)
            del fields["custom"]
    collected.extend(
        v for name, value in fields.items() for v in field_violations(Deal, name, value)
    )
    edited = {**attrs.asdict(deal, recurse=False), **fields}
    failed = [v.field for v in collected]
    raise_violations([*collected, *invariant_violations(Deal, edited, failed=failed)])
    changed = attrs.evolve(deal, **fields)
    differences = changes_between(deal, changed)
    if not differences:
        return DealOutcome(entity=deal)
    changed = attrs.evolve(changed, version=deal.version + 1)
    event = DealChanged(entity_id=deal.id, occurred_at=now, changes=differences, actor=actor)
    return DealOutcome(entity=changed, events=(event,))


def set_line_items(
    deal: Deal,
    items: Sequence[LineItem],
    *,
    now: datetime,
    actor: UserId | None = None,
) -> DealOutcome:
    """``deal`` with ``items`` as its line items and their sum as its amount, and a
    :class:`DealChanged` event. No items leave the amount as it was, editable again; the
    items must be in one currency."""
    check_now(now)
    check_not_before(now, deal.last_changed_at, entity=f"deal {deal.id!r}")
    found: list[Violation] = []
    read = read_collection("line_items", items, found)
    if read is not None:
        found.extend(each(instance_of(LineItem), max_items=MAX_LINE_ITEMS)("line_items", read))
    raise_violations(found)
    chosen = tuple(read or ())
    currencies = sorted({item.amount.currency for item in chosen})
    if len(currencies) > 1:
        message = "must all be in one currency, not " + ", ".join(currencies)
        raise DomainValidationError.single("line_items", message)
    amount = items_total(chosen) if chosen else deal.amount
    changed = attrs.evolve(deal, line_items=chosen, amount=amount)
    differences = changes_between(deal, changed)
    if not differences:
        return DealOutcome(entity=deal)
    changed = attrs.evolve(changed, version=deal.version + 1)
    event = DealChanged(entity_id=deal.id, occurred_at=now, changes=differences, actor=actor)
    return DealOutcome(entity=changed, events=(event,))


def _unmet(
    stage: Stage, deal: Deal, gates: Mapping[str, Gate], context: GateContext
) -> list[Violation]:
    """Every gate of ``stage`` that ``deal`` does not meet; a gate not loaded is unmet too."""
    unmet: list[Violation] = []
    for required in stage.gates:
        gate = gates.get(required.gate)
        if gate is None:
            message = "is not a loaded gate, so it cannot be met"
            unmet.append(Violation(field=str(required), message=message))
            continue
        try:
            missing = gate(deal, context, required.argument)
        except Exception as error:  # foreign code: name the gate that failed
            reason = f"failed on deal {deal.id!r}: {type(error).__name__}: {error}"
            raise PluginError(GATES, required.gate, None, reason) from error
        if missing is not None:
            unmet.append(Violation(field=str(required), message=missing))
    return unmet


def _route(pipeline: Pipeline, stage: str) -> Route:
    """The route into ``stage``; a stage the pipeline lacks raises as ``Pipeline.stage``."""
    routes = stage_routes(pipeline) if pipeline.stages else {}
    return routes.get(stage) or Route(stage=pipeline.stage(stage), sources=frozenset())


def preview_move(
    deal: Deal,
    stage: str,
    *,
    pipeline: Pipeline,
    gates: Mapping[str, Gate] = BUILTIN_GATES,
    context: GateContext = _NO_CONTEXT,
) -> MovePreview:
    """What would block or warn if ``deal`` moved to ``stage`` now, without moving it."""
    blocking: list[Violation] = []
    if deal.status is not DealStatus.OPEN:
        message = f"the deal is {deal.status.value}; only an open deal moves"
        blocking.append(Violation(field="status", message=message, value=deal.status.value))
    if not pipeline.has_stage(stage) or deal.pipeline_id != pipeline.id:
        message = f"is not a stage of the deal's pipeline {deal.pipeline_id!r}"
        blocking.append(Violation(field="stage", message=message, value=stage))
        return MovePreview(stage=stage, blocking=tuple(blocking))
    lifecycle = stage_lifecycle(pipeline)
    if (str(deal.stage), event_to(stage)) not in lifecycle.table:
        allowed = ", ".join(event[3:] for event in lifecycle.allowed_events(str(deal.stage)))
        message = f"cannot be reached from {deal.stage!r}; reachable: {allowed or 'none'}"
        blocking.append(Violation(field="stage", message=message, value=stage))
    unmet = _unmet(pipeline.stage(stage), deal, gates, context)
    if pipeline.kind is DealKind.CONTROLLED:
        return MovePreview(stage=stage, blocking=(*blocking, *unmet))
    return MovePreview(stage=stage, blocking=tuple(blocking), warnings=tuple(unmet))


def move_deal(
    deal: Deal,
    stage: str,
    *,
    pipeline: Pipeline,
    now: datetime,
    gates: Mapping[str, Gate] = BUILTIN_GATES,
    context: GateContext = _NO_CONTEXT,
    actor: UserId | None = None,
    reason: str | None = None,
) -> DealOutcome:
    """``deal`` moved to ``stage`` of its ``pipeline``.

    Raises :class:`~crmcore.errors.InvalidTransitionError` if the deal is not open or cannot
    reach ``stage`` from its stage, ``DomainValidationError`` for a stage the pipeline lacks,
    and :class:`~crmcore.errors.StageGateError` with every unmet gate of a controlled deal.
    A manual deal moves anyway; its unmet gates are the outcome's ``warnings``.
    """
    check_command(deal, pipeline, now, actor)
    entity = (DEAL, deal.id)
    # `.value` of an enum member is a Python-level property; `_value_` is a plain attribute.
    STATUS.target(deal.status._value_, "move", entity=entity)
    route = _route(pipeline, stage)
    if deal.stage not in route.sources:
        stage_lifecycle(pipeline).target(str(deal.stage), event_to(stage), entity=entity)
    unmet = _unmet(route.stage, deal, gates, context) if route.stage.gates else []
    if unmet and pipeline.kind is DealKind.CONTROLLED:
        raise StageGateError(deal.id, stage=stage, unmet=unmet)
    # A stage of the deal's own pipeline, a checked `now` and the next version: valid
    # values that keep every invariant of the deal, so nothing is checked again.
    moved = replaced(deal, stage=stage, stage_entered_at=now, version=deal.version + 1)
    warnings = tuple(str(violation) for violation in unmet)
    event = _DEAL_MOVED(
        entity_id=deal.id,
        occurred_at=now,
        changes=changed_fields(deal, moved, ("stage", "stage_entered_at")),
        actor=actor,
        warnings=warnings,
    )
    change = log_entry(deal, moved, now, actor, reason)
    return DealOutcome(entity=moved, events=(event,), stage_change=change, warnings=tuple(unmet))
