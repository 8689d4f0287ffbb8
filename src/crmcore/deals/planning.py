"""Supplier orders and the business plan of a deal.

A supplier order says what must be bought, from whom, to deliver the deal; it is placed,
then received or cancelled. The business plan puts the planned revenue from the deal's line
items beside the planned costs, and the actual revenue and costs beside them as the host
reports them, so that planned and actual margins can be compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs

from crmcore.deals._commands import DealOutcome
from crmcore.deals.documents import (
    SUPPLIER_ORDER_LIFECYCLE,
    BusinessPlan,
    CostLine,
    SupplierOrder,
    SupplierOrderLine,
)
from crmcore.deals.events import (
    BusinessPlanChanged,
    BusinessPlanDrawn,
    SupplierOrderChanged,
    SupplierOrderPlaced,
)
from crmcore.deals.items import items_total
from crmcore.deals.kinds import SupplierOrderStatus
from crmcore.deals.model import DEAL, Deal
from crmcore.deals.offers import DocumentOutcome, link_document
from crmcore.errors import DomainValidationError, InvalidTransitionError, Violation
from crmcore.events import DomainEvent, Outcome, changes_between
from crmcore.ids import UserId, new_id
from crmcore.money import Money
from crmcore.partners.kinds import PartnerRole
from crmcore.partners.model import Partner
from crmcore.validation import (
    check_now,
    field_violations,
    invariant_violations,
    raise_violations,
    read_collection,
)
from crmcore.workcalendar import check_not_before

__all__ = [
    "SUPPLIER_ORDER",
    "cancel_supplier_order",
    "place_supplier_order",
    "plan_business",
    "receive_supplier_order",
    "report_actuals",
]

SUPPLIER_ORDER = "supplier_order"


def _open_deal(deal: Deal, event: str) -> None:
    if deal.status.closed:
        raise InvalidTransitionError(DEAL, deal.id, state=deal.status.value, event=event)


def place_supplier_order(
    deal: Deal,
    *,
    supplier: Partner,
    lines: Sequence[SupplierOrderLine],
    now: datetime,
    expected_on: date | None = None,
    order_id: str | None = None,
    actor: UserId | None = None,
) -> DocumentOutcome[SupplierOrder]:
    """An order to ``supplier`` (a partner with the supplier role) of ``lines`` for ``deal``,
    linked to the deal. Raises ``DomainValidationError`` listing every problem."""
    check_now(now)
    _open_deal(deal, "place_supplier_order")
    found: list[Violation] = []
    read = read_collection("lines", lines, found)
    fields: dict[str, Any] = {
        "id": order_id or new_id(),
        "deal_id": deal.id,
        "supplier_id": supplier.id,
        "lines": read,
        "expected_on": expected_on,
        "created_at": now,
    }
    for name, value in fields.items():
        if value is not None or name == "lines":
            found.extend(field_violations(SupplierOrder, name, value))
    if not supplier.has_role(PartnerRole.SUPPLIER):
        message = f"{supplier.short_name!r} is not a supplier"
        found.append(Violation(field="supplier", message=message, value=supplier.id))
    failed = [v.field for v in found]
    raise_violations([*found, *invariant_violations(SupplierOrder, fields, failed=failed)])
    order = SupplierOrder(**fields)
    event = SupplierOrderPlaced(
        entity_id=order.id, occurred_at=now, changes=changes_between(None, order), actor=actor
    )
    linked = link_document(deal, order.ref, now=now, actor=actor)
    return DocumentOutcome(entity=order, events=(event,), deal=linked)


def _order_moved(
    order: SupplierOrder, transition: str, *, now: datetime, actor: UserId | None
) -> Outcome[SupplierOrder]:
    check_now(now)
    check_not_before(
        now, order.changed_at or order.created_at, entity=f"supplier order {order.id!r}"
    )
    status = SUPPLIER_ORDER_LIFECYCLE.target(
        order.status.value, transition, entity=(SUPPLIER_ORDER, order.id)
    )
    changed = attrs.evolve(order, status=SupplierOrderStatus(status), changed_at=now)
    differences = changes_between(order, changed)
    changed = attrs.evolve(changed, version=order.version + 1)
    event = SupplierOrderChanged(
        entity_id=order.id, occurred_at=now, changes=differences, actor=actor
    )
    return Outcome(entity=changed, events=(event,))


def receive_supplier_order(
    order: SupplierOrder, *, now: datetime, actor: UserId | None = None
) -> Outcome[SupplierOrder]:
    """``order`` received from the supplier."""
    return _order_moved(order, "receive", now=now, actor=actor)


def cancel_supplier_order(
    order: SupplierOrder, *, now: datetime, actor: UserId | None = None
) -> Outcome[SupplierOrder]:
    """``order`` cancelled."""
    return _order_moved(order, "cancel", now=now, actor=actor)


def _costs(field: str, costs: Sequence[CostLine], found: list[Violation]) -> tuple[CostLine, ...]:
    read = read_collection(field, costs, found)
    if read is None:
        return ()
    found.extend(field_violations(BusinessPlan, field, read))
    return read


def _revenue(deal: Deal) -> Money:
    if deal.line_items:
        return items_total(deal.line_items)
    if deal.amount is not None:
        return deal.amount
    raise DomainValidationError.single(
        "line_items", "the deal has neither line items nor an amount to plan revenue from"
    )


def plan_business(
    deal: Deal,
    *,
    costs: Sequence[CostLine],
    now: datetime,
    plan: BusinessPlan | None = None,
    actor: UserId | None = None,
) -> DocumentOutcome[BusinessPlan]:
    """The business plan of ``deal``: the planned revenue from its line items (its amount
    when it has none) and the planned ``costs``. Given the deal's ``plan`` so far, it is
    planned again, keeping its actuals; a new plan is linked to the deal."""
    check_now(now)
    found: list[Violation] = []
    planned = _costs("planned_costs", costs, found)
    raise_violations(found)
    revenue = _revenue(deal)
    if plan is None:
        drawn = BusinessPlan(
            id=deal.id, planned_revenue=revenue, planned_costs=planned, created_at=now,
            changed_at=now,
        )  # fmt: skip
        event: DomainEvent = BusinessPlanDrawn(
            entity_id=drawn.id, occurred_at=now, changes=changes_between(None, drawn), actor=actor
        )
        linked = link_document(deal, drawn.ref, now=now, actor=actor)
        return DocumentOutcome(entity=drawn, events=(event,), deal=linked)
    if plan.id != deal.id:
        raise DomainValidationError.single("plan", "is not the plan of this deal", value=plan.id)
    changed = _replanned(plan, now, planned_revenue=revenue, planned_costs=planned)
    if changed is plan:
        return DocumentOutcome(entity=plan, deal=DealOutcome(entity=deal))
    event = BusinessPlanChanged(
        entity_id=plan.id, occurred_at=now, changes=changes_between(plan, changed), actor=actor
    )
    return DocumentOutcome(entity=changed, events=(event,), deal=DealOutcome(entity=deal))


def _replanned(plan: BusinessPlan, now: datetime, **fields: Any) -> BusinessPlan:
    check_not_before(now, plan.changed_at, entity=f"business plan {plan.id!r}")
    changed = attrs.evolve(plan, **fields)
    if not changes_between(plan, changed):
        return plan
    return attrs.evolve(changed, changed_at=now, version=plan.version + 1)


def report_actuals(
    plan: BusinessPlan,
    *,
    revenue: Money | None,
    costs: Sequence[CostLine],
    now: datetime,
    actor: UserId | None = None,
) -> Outcome[BusinessPlan]:
    """``plan`` with the actual ``revenue`` and ``costs`` as the host reports them so far."""
    check_now(now)
    found: list[Violation] = []
    actual = _costs("actual_costs", costs, found)
    found.extend(field_violations(BusinessPlan, "actual_revenue", revenue))
    raise_violations(found)
    changed = _replanned(plan, now, actual_revenue=revenue, actual_costs=actual)
    if changed is plan:
        return Outcome(entity=plan)
    event = BusinessPlanChanged(
        entity_id=plan.id, occurred_at=now, changes=changes_between(plan, changed), actor=actor
    )
    return Outcome(entity=changed, events=(event,))
