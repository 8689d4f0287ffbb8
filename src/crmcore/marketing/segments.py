"""Segments: define them in the rules' condition language (:mod:`crmcore.conditions`), and
evaluate who is in them.

A dynamic segment's condition reads a partner (entity ``partner``) or a contact person
(entity ``contact_person``, whose partner is ``partner``), their custom fields, and the facts of
:data:`SEGMENT_FACTS` worked out from the store's deals and purchases: "bought more than
50,000 RUB last year and owns an Audi" is ``purchases_last_year gt 50000`` and
``custom.car_brand eq "Audi"``.

>>> from datetime import datetime, timezone
>>> from crmcore.conditions import AllOf, FieldCondition
>>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> draft = SegmentDraft(name="Big buyers",
...     condition=FieldCondition(field="purchases_last_year", op="gt", value="50000"))
>>> segment = define_segment(draft, segment_id=SegmentId("big"), now=at).entity
>>> segment.kind.value, segment.audience.value
('dynamic', 'partners')
>>> define_segment(SegmentDraft(name="x", condition=FieldCondition(
...     field="colour", op="eq", value="red")), segment_id=SegmentId("x"), now=at)
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: condition.field: 'colour' is not a field, custom field...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final

import attrs

from crmcore.conditions.checks import condition_problems
from crmcore.conditions.compiler import NodeTrace, compile_condition
from crmcore.conditions.model import Condition, FieldCondition, nodes
from crmcore.conditions.operators import OPERATORS
from crmcore.conditions.schemas import Relation, SchemaRegistry, schema_of
from crmcore.conditions.scope import Scope
from crmcore.customfields import CustomFieldRegistry
from crmcore.deals import Deal
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Outcome, changes_between
from crmcore.marketing.events import SegmentChanged, SegmentDefined
from crmcore.marketing.facts import SEGMENT_FACTS, PartnerFacts
from crmcore.marketing.model import Audience, Purchase, Segment, SegmentId, SegmentKind
from crmcore.partners import ContactPerson, Partner
from crmcore.validation import check_now, enum_member, raise_violations
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "SegmentDraft",
    "SegmentMember",
    "SegmentMembership",
    "SegmentPopulation",
    "change_segment",
    "define_segment",
    "evaluate_segment",
    "segment_schemas",
]

_PATH: Final = "condition"
LISTED: Final = "listed in the segment"


def segment_schemas(custom_fields: CustomFieldRegistry | None = None) -> SchemaRegistry:
    """The schemas of partners and contact persons as the rules read them (a contact
    person's ``partner`` leads to its partner), with the facts segments read about a
    partner."""
    partner = schema_of("partner", Partner, manager_field="responsible_manager")
    person = schema_of(
        "contact_person",
        ContactPerson,
        relations={"partner": Relation(field="partner_id", entity="partner")},
    )
    schemas = SchemaRegistry(
        schemas={"partner": partner, "contact_person": person},
        custom_fields=custom_fields or CustomFieldRegistry(),
    )
    for name, kind in SEGMENT_FACTS.items():
        schemas = schemas.with_fact("partner", name, kind)
    return schemas


@attrs.frozen(kw_only=True)
class SegmentDraft:
    """A new segment as entered: a condition for a dynamic one, else a list of ids."""

    name: str
    audience: Audience | str = Audience.PARTNERS
    condition: Condition | None = None
    members: Sequence[str] = ()
    currency: str = "RUB"


def condition_violations(
    condition: Condition, audience: Audience, schemas: SchemaRegistry
) -> list[Violation]:
    """Every problem of a segment's condition: unknown fields, wrong values, and operators
    on changes, which a segment (a state, not an event) cannot use."""
    found = list(
        condition_problems(
            condition, entity=audience.entity, schemas=schemas, operators=OPERATORS, path=_PATH
        )
    )
    found.extend(_change_operators(condition))
    return found


def _change_operators(condition: Condition) -> Iterable[Violation]:
    for at, node in nodes(condition, _PATH):
        op = getattr(node, "op", None)
        if op is not None and op in OPERATORS and OPERATORS[op].reads_change:
            message = f"{op!r} compares changes; a segment compares the current state"
            yield Violation(field=f"{at}.op", message=message, value=op)


def define_segment(
    draft: SegmentDraft,
    *,
    segment_id: SegmentId,
    now: datetime,
    schemas: SchemaRegistry | None = None,
    actor: str | None = None,
) -> Outcome[Segment]:
    """A new segment from ``draft``: dynamic with a condition, static with a list.

    Raises :class:`DomainValidationError` naming every problem of the draft.
    """
    check_now(now)
    found: list[Violation] = []
    audience = enum_member(Audience, "audience", draft.audience, found)
    if draft.condition is not None and draft.members:
        found.append(Violation(field="members", message="a dynamic segment lists no members"))
    if draft.condition is not None and audience is not None:
        found.extend(condition_violations(draft.condition, audience, schemas or segment_schemas()))
    try:
        segment = Segment(
            id=segment_id, name=draft.name, audience=audience or Audience.PARTNERS,
            kind=SegmentKind.DYNAMIC if draft.condition is not None else SegmentKind.STATIC,
            condition=draft.condition, members=tuple(draft.members), currency=draft.currency,
            created_at=now,
        )  # fmt: skip
    except DomainValidationError as error:
        found.extend(error.violations)
    raise_violations(found)
    changes = changes_between(None, segment)
    event = SegmentDefined(entity_id=segment.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=segment, events=(event,))


def change_segment(
    segment: Segment,
    *,
    now: datetime,
    name: str | None = None,
    condition: Condition | None = None,
    members: Sequence[str] | None = None,
    schemas: SchemaRegistry | None = None,
    actor: str | None = None,
) -> Outcome[Segment]:
    """``segment`` renamed, with a new condition (dynamic) or a new list (static); what is
    not given stays. Changing nothing changes nothing."""
    check_now(now)
    found: list[Violation] = []
    dynamic = segment.kind is SegmentKind.DYNAMIC
    if condition is not None and not dynamic:
        found.append(Violation(field="condition", message="a static segment has no condition"))
    if members is not None and dynamic:
        found.append(Violation(field="members", message="a dynamic segment lists no members"))
    if condition is not None and dynamic:
        found.extend(
            condition_violations(condition, segment.audience, schemas or segment_schemas())
        )
    raise_violations(found)
    changed = attrs.evolve(
        segment,
        name=segment.name if name is None else name,
        condition=segment.condition if condition is None or not dynamic else condition,
        members=segment.members if members is None else tuple(members),
    )
    changes = changes_between(segment, changed)
    if not changes:
        return Outcome(entity=segment)
    changed = attrs.evolve(changed, version=segment.version + 1)
    event = SegmentChanged(entity_id=segment.id, occurred_at=now, changes=changes, actor=actor)
    return Outcome(entity=changed, events=(event,))


@attrs.frozen(kw_only=True)
class SegmentPopulation:
    """What a segment is evaluated over: the partners, their contact persons (for a segment
    of contact persons), the won deals' lines and the deals."""

    partners: Iterable[Partner]
    contact_persons: Iterable[ContactPerson] = ()
    purchases: Iterable[Purchase] = ()
    deals: Iterable[Deal] = ()


@attrs.frozen(kw_only=True)
class SegmentMember:
    """One member: the partner or contact person, its partner, and why it is in."""

    entity_id: str
    partner_id: str
    reasons: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class SegmentMembership:
    """Who is in a segment at ``evaluated_at``: the members in id order and their count;
    ``missing`` lists the ids a static segment names that the store does not hold."""

    segment_id: str
    evaluated_at: datetime
    members: tuple[SegmentMember, ...]
    missing: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many members the segment has."""
        return len(self.members)

    @property
    def ids(self) -> frozenset[str]:
        """The members' ids."""
        return frozenset(member.entity_id for member in self.members)

    @property
    def partner_ids(self) -> frozenset[str]:
        """The partners of the members."""
        return frozenset(member.partner_id for member in self.members)


def evaluate_segment(
    segment: Segment,
    population: SegmentPopulation,
    *,
    now: datetime,
    schemas: SchemaRegistry | None = None,
    explain: bool = True,
    calendar: WorkingCalendar | None = None,
) -> SegmentMembership:
    """The members of ``segment`` in ``population`` at ``now``; with ``explain``, each with
    the comparisons that decided it. Years, "today" and working days are those of
    ``calendar``'s zone (of ``now``'s own zone without one), as in the rules."""
    check_now(now)
    partners: dict[str, Partner] = {partner.id: partner for partner in population.partners}
    candidates = _candidates(segment.audience, partners, population.contact_persons)
    if segment.kind is SegmentKind.STATIC:
        return _listed(segment, candidates, now)
    assert segment.condition is not None
    compiled = compile_condition(
        segment.condition,
        entity=segment.audience.entity,
        schemas=schemas or segment_schemas(),
        operators=OPERATORS,
        path=_PATH,
    )
    facts = PartnerFacts.of(
        partners, population.purchases, population.deals, currency=segment.currency, now=now,
        wanted=_facts_read(segment.condition), calendar=calendar,
    )  # fmt: skip
    event = SegmentDefined(entity_id=segment.id, occurred_at=now)
    evaluate = compiled.evaluate
    members: list[SegmentMember] = []
    for entity_id in sorted(candidates):
        record, partner_id = candidates[entity_id]
        scope = Scope(event, record, now=now, facts=facts, calendar=calendar)
        if not evaluate(scope):
            continue
        reasons: tuple[str, ...] = ()
        if explain:
            trace: list[NodeTrace] = []
            compiled.explain(scope, trace)
            reasons = tuple(_reason(node) for node in trace if node.field is not None)
        members.append(SegmentMember(entity_id=entity_id, partner_id=partner_id, reasons=reasons))
    return SegmentMembership(segment_id=segment.id, evaluated_at=now, members=tuple(members))


def _facts_read(condition: Condition) -> frozenset[str]:
    """The names of the facts ``condition`` reads (its last path step of each field)."""
    return frozenset(
        node.field.rsplit(".", 1)[-1]
        for _, node in nodes(condition)
        if isinstance(node, FieldCondition)
    )


def _candidates(
    audience: Audience, partners: Mapping[str, Partner], people: Iterable[ContactPerson]
) -> dict[str, tuple[object, str]]:
    if audience is Audience.PARTNERS:
        return {pid: (partner, pid) for pid, partner in partners.items()}
    return {
        person.id: (person, person.partner_id) for person in people if person.partner_id in partners
    }


def _listed(
    segment: Segment, candidates: Mapping[str, tuple[object, str]], now: datetime
) -> SegmentMembership:
    members = tuple(
        SegmentMember(entity_id=entity_id, partner_id=candidates[entity_id][1], reasons=(LISTED,))
        for entity_id in sorted(segment.members)
        if entity_id in candidates
    )
    missing = tuple(sorted(m for m in segment.members if m not in candidates))
    return SegmentMembership(
        segment_id=segment.id, evaluated_at=now, members=members, missing=missing
    )


def _reason(node: NodeTrace) -> str:
    verdict = "holds" if node.result else "does not hold"
    expected = "" if node.expected is None else f" {node.expected}"
    return f"{node.field} {node.op}{expected}: {node.actual} ({verdict})"
