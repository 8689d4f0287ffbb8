"""Handlers of the catalog's commands and of the deals' line items and documents: products
and prices, the price form's picks, commercial offers (sent by e-mail through the outbox),
supplier orders and business plans. A command whose repository the store lacks is refused
with a typed error and changes nothing."""

from __future__ import annotations

from typing import Final, TypeVar

from crmcore.access import part_change
from crmcore.agreements import Agreement
from crmcore.agreements.templates import DEFAULT_TEXT_TEMPLATE, QuoteTemplate
from crmcore.app.commands import (
    AcceptOffer,
    AddPriceType,
    CancelSupplierOrder,
    CreateProduct,
    CreateProductGroup,
    DeclineOffer,
    EditProduct,
    PlaceSupplierOrder,
    PlanBusiness,
    ReceiveSupplierOrder,
    RegisterOffer,
    ReportActuals,
    ReportStock,
    Sell,
    SendOffer,
    SetLineItems,
    SetPrice,
)
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.model import OutboxMessage
from crmcore.app.recipients import resolve
from crmcore.app.work import Work
from crmcore.catalog import (
    CatalogRepository,
    Product,
    ProductGroup,
    create_group,
    create_product,
    edit_product,
    set_price,
)
from crmcore.catalog.model import Price, PriceType, StockLevel
from crmcore.deals import (
    BusinessPlan,
    BusinessPlanRepository,
    CommercialOffer,
    CommercialOfferRepository,
    Deal,
    DocumentKind,
    DocumentOutcome,
    ProductPick,
    SupplierOrder,
    SupplierOrderRepository,
    accept_offer,
    cancel_supplier_order,
    decline_offer,
    offer_email,
    place_supplier_order,
    plan_business,
    priced_items,
    receive_supplier_order,
    register_offer,
    report_actuals,
    send_offer,
    set_line_items,
)
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import AgreementId, DealId, PartnerId, RuleId, UserId
from crmcore.rules import Command, EmailToClient

__all__ = ["HANDLERS", "OFFER_EMAIL", "catalog_of"]

HANDLERS: Final[dict[type, Handler]] = {}
OFFER_EMAIL: Final = RuleId("commercial_offer")
"""The ``rule_id`` of the outbox e-mails that send commercial offers: they come from a
person's command, not a rule. The message's ``caused_by`` is the reference of the offer to
attach (``commercial_offer:<id>``)."""

R = TypeVar("R")


def _needed(found: R | None, what: str) -> R:
    if found is None:
        raise DomainValidationError.single("command", f"needs a store that keeps {what}")
    return found


def catalog_of(work: Work) -> CatalogRepository:
    """The store's catalog, else a ``DomainValidationError``: the store keeps none."""
    return _needed(work.repositories.catalog, "a catalog")


def _offers(work: Work) -> CommercialOfferRepository:
    return _needed(work.repositories.offers, "commercial offers")


def _orders(work: Work) -> SupplierOrderRepository:
    return _needed(work.repositories.supplier_orders, "supplier orders")


def _plans(work: Work) -> BusinessPlanRepository:
    return _needed(work.repositories.business_plans, "business plans")


def _actor(work: Work) -> UserId:
    return UserId(work.actor)


@handles(HANDLERS, CreateProductGroup)
def _create_group(runtime: Runtime, work: Work, command: CreateProductGroup) -> ProductGroup:
    catalog = catalog_of(work)
    parent = catalog.get_group(command.parent_id) if command.parent_id else None
    outcome = create_group(
        command.title, now=work.now, parent=parent, group_id=command.group_id, actor=work.actor
    )
    work.check_write("catalog", None, outcome.entity, kind="product_group")
    catalog.add_group(outcome.entity)
    work.record_change("catalog", None, outcome.entity, kind="product_group")
    work.publish(outcome.events)
    return outcome.entity


def _group(catalog: CatalogRepository, group_id: str | None) -> ProductGroup | None:
    return catalog.get_group(group_id) if group_id else None


@handles(HANDLERS, CreateProduct)
def _create_product(runtime: Runtime, work: Work, command: CreateProduct) -> Product:
    catalog = catalog_of(work)
    group_id = command.draft.group_id
    outcome = create_product(
        command.draft,
        now=work.now,
        group=_group(catalog, group_id if isinstance(group_id, str) else None),
        product_id=command.product_id,
        actor=work.actor,
    )
    return work.add("catalog", outcome)


@handles(HANDLERS, EditProduct)
def _edit_product(runtime: Runtime, work: Work, command: EditProduct) -> Product:
    catalog = catalog_of(work)
    product = catalog.get(command.product_id)
    wanted = command.changes.get("group_id")
    group = _group(catalog, wanted) if isinstance(wanted, str) else None
    outcome = edit_product(
        product, changes=command.changes, now=work.now, group=group, actor=work.actor
    )
    return work.save("catalog", product, outcome)


@handles(HANDLERS, AddPriceType)
def _add_price_type(runtime: Runtime, work: Work, command: AddPriceType) -> PriceType:
    work.check_write("catalog", None, command.price_type, kind="price_type")
    catalog_of(work).add_price_type(command.price_type)
    work.record_change("catalog", None, command.price_type, kind="price_type")
    return command.price_type


@handles(HANDLERS, SetPrice)
def _set_price(runtime: Runtime, work: Work, command: SetPrice) -> Price:
    catalog = catalog_of(work)
    product = catalog.get(command.product_id)
    work.check_write("catalog", product, product)  # a price is a change of its product
    outcome = set_price(
        product,
        price_type=catalog.get_price_type(command.price_type),
        price=command.price,
        valid_from=command.valid_from,
        now=work.now,
        actor=work.actor,
    )
    price = outcome.entity
    prices = catalog.prices_of(command.product_id)
    if price in prices:
        return price  # the price it has from that day: no change, no event
    catalog.set_price(price)
    earlier = [
        p.price
        for p in prices
        if (p.price_type, p.valid_from) == (price.price_type, price.valid_from)
    ]
    field = f"prices.{price.price_type}@{price.valid_from.isoformat()}"
    work.record_part(
        product, "product", part_change(field, earlier[0] if earlier else None, price.price)
    )
    work.publish(outcome.events)
    return price


@handles(HANDLERS, ReportStock)
def _report_stock(runtime: Runtime, work: Work, command: ReportStock) -> StockLevel:
    catalog = catalog_of(work)
    product = catalog.get(command.level.product_id)
    work.check_write("catalog", product, product)  # so is its stock
    level = command.level
    earlier = [s.quantity for s in catalog.stock_of(product.id) if s.warehouse == level.warehouse]
    catalog.report_stock(level)
    change = part_change(
        f"stock.{level.warehouse}", earlier[0] if earlier else None, level.quantity
    )
    work.record_part(product, "product", change)
    return command.level


def _agreement(work: Work, deal: Deal, agreement_id: str | None) -> Agreement:
    """The agreement named, else the one linked to the deal."""
    if agreement_id is None:
        linked = deal.linked(DocumentKind.AGREEMENT)
        if not linked:
            message = "must be given: no agreement is linked to the deal"
            raise DomainValidationError.single("agreement_id", message)
        agreement_id = linked[-1].entity_id
    return work.repositories.agreements.get(AgreementId(agreement_id))


def _picked(
    runtime: Runtime,
    work: Work,
    deal: Deal,
    picks: tuple[ProductPick, ...],
    agreement_id: str | None,
) -> Deal:
    """``deal`` with ``picks`` as its line items priced on today's date in the settings'
    zone, stored."""
    catalog = catalog_of(work)
    agreement = _agreement(work, deal, agreement_id)
    products: dict[str, Product] = {}
    for pick in picks:
        try:
            products[pick.product_id] = catalog.get(pick.product_id)
        except EntityNotFoundError:
            continue
    items = priced_items(
        picks,
        products=products,
        partner=work.repositories.partners.get(PartnerId(deal.partner_id)),
        agreement=agreement,
        prices=catalog,
        on=work.now.astimezone(runtime.settings.zone).date(),
    )
    outcome = set_line_items(deal, items, now=work.now, actor=_actor(work))
    return work.save_deal(deal, outcome)


@handles(HANDLERS, SetLineItems)
def _set_line_items(runtime: Runtime, work: Work, command: SetLineItems) -> Deal:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    return _picked(runtime, work, deal, command.items, command.agreement_id)


def _register(
    work: Work, deal: Deal, agreement_id: str | None, offer_id: str | None
) -> CommercialOffer:
    offers = _offers(work)
    catalog = catalog_of(work)
    outcome: DocumentOutcome[CommercialOffer] = register_offer(
        deal,
        partner=work.repositories.partners.get(PartnerId(deal.partner_id)),
        agreement=_agreement(work, deal, agreement_id),
        prices=catalog,
        history=work.repositories.sales_history,
        now=work.now,
        previous=offers.of_deal(deal.id),
        offer_id=offer_id,
        actor=_actor(work),
    )
    offer = work.add("offers", outcome)
    work.save_deal(deal, outcome.deal)
    return offer


@handles(HANDLERS, RegisterOffer)
def _register_offer(runtime: Runtime, work: Work, command: RegisterOffer) -> CommercialOffer:
    deal = work.repositories.deals.get(DealId(command.deal_id))
    return _register(work, deal, command.agreement_id, command.offer_id)


def _sent(work: Work, offer: CommercialOffer, template: QuoteTemplate | None) -> CommercialOffer:
    """``offer`` sent, its e-mail in the outbox."""
    deal = work.repositories.deals.get(offer.deal_id)
    partner = work.repositories.partners.get(PartnerId(deal.partner_id))
    outcome = send_offer(offer, now=work.now, actor=_actor(work))
    rendered = offer_email(
        offer,
        partner_name=partner.short_name,
        template=template or DEFAULT_TEXT_TEMPLATE,
        manager=deal.responsible_manager,
    )
    command = Command(
        rule_id=OFFER_EMAIL,
        rule_version=offer.number,
        entity="deal",
        entity_id=deal.id,
        action=EmailToClient(subject=rendered.subject, body=rendered.body),
        caused_by=str(offer.ref),
    )
    work.outbox.append(
        OutboxMessage(
            id=work.message_id(),
            command=command,
            recipients=resolve(work, command, work.staff),
            created_at=work.now,
        )
    )
    return work.save("offers", offer, outcome)


@handles(HANDLERS, SendOffer)
def _send_offer(runtime: Runtime, work: Work, command: SendOffer) -> CommercialOffer:
    offer = _offers(work).get(command.offer_id)
    return _sent(work, offer, command.template)


@handles(HANDLERS, AcceptOffer)
def _accept_offer(runtime: Runtime, work: Work, command: AcceptOffer) -> CommercialOffer:
    offer = _offers(work).get(command.offer_id)
    return work.save("offers", offer, accept_offer(offer, now=work.now, actor=_actor(work)))


@handles(HANDLERS, DeclineOffer)
def _decline_offer(runtime: Runtime, work: Work, command: DeclineOffer) -> CommercialOffer:
    offer = _offers(work).get(command.offer_id)
    outcome = decline_offer(offer, now=work.now, reason=command.reason, actor=_actor(work))
    return work.save("offers", offer, outcome)


@handles(HANDLERS, Sell)
def _sell(runtime: Runtime, work: Work, command: Sell) -> CommercialOffer:
    _offers(work)
    deal = work.repositories.deals.get(DealId(command.deal_id))
    deal = _picked(runtime, work, deal, command.items, command.agreement_id)
    offer = _register(work, deal, command.agreement_id, command.offer_id)
    return _sent(work, offer, command.template)


@handles(HANDLERS, PlaceSupplierOrder)
def _place_order(runtime: Runtime, work: Work, command: PlaceSupplierOrder) -> SupplierOrder:
    _orders(work)
    deal = work.repositories.deals.get(DealId(command.deal_id))
    outcome = place_supplier_order(
        deal,
        supplier=work.repositories.partners.get(PartnerId(command.supplier_id)),
        lines=command.lines,
        now=work.now,
        expected_on=command.expected_on,
        order_id=command.order_id,
        actor=_actor(work),
    )
    order = work.add("supplier_orders", outcome)
    work.save_deal(deal, outcome.deal)
    return order


@handles(HANDLERS, ReceiveSupplierOrder)
def _receive_order(runtime: Runtime, work: Work, command: ReceiveSupplierOrder) -> SupplierOrder:
    order = _orders(work).get(command.order_id)
    outcome = receive_supplier_order(order, now=work.now, actor=_actor(work))
    return work.save("supplier_orders", order, outcome)


@handles(HANDLERS, CancelSupplierOrder)
def _cancel_order(runtime: Runtime, work: Work, command: CancelSupplierOrder) -> SupplierOrder:
    order = _orders(work).get(command.order_id)
    outcome = cancel_supplier_order(order, now=work.now, actor=_actor(work))
    return work.save("supplier_orders", order, outcome)


def _plan_of(plans: BusinessPlanRepository, deal_id: DealId) -> BusinessPlan | None:
    try:
        return plans.get(deal_id)
    except EntityNotFoundError:
        return None


@handles(HANDLERS, PlanBusiness)
def _plan_business(runtime: Runtime, work: Work, command: PlanBusiness) -> BusinessPlan:
    plans = _plans(work)
    deal = work.repositories.deals.get(DealId(command.deal_id))
    plan = _plan_of(plans, deal.id)
    outcome = plan_business(deal, costs=command.costs, now=work.now, plan=plan, actor=_actor(work))
    if plan is None:
        drawn = work.add("business_plans", outcome)
        work.save_deal(deal, outcome.deal)
        return drawn
    return work.save("business_plans", plan, outcome)


@handles(HANDLERS, ReportActuals)
def _report_actuals(runtime: Runtime, work: Work, command: ReportActuals) -> BusinessPlan:
    plan = _plans(work).get(DealId(command.deal_id))
    outcome = report_actuals(
        plan, revenue=command.revenue, costs=command.costs, now=work.now, actor=_actor(work)
    )
    return work.save("business_plans", plan, outcome)
