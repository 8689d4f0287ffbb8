"""The read side of the catalog and the deals' documents for :class:`~crmcore.app.CRM`: the
price form of a client, and the documents of a deal."""

from __future__ import annotations

from datetime import date

import attrs

from crmcore.agreements import Agreement
from crmcore.app.store import Repositories
from crmcore.catalog import PriceForm, price_form
from crmcore.deals import BusinessPlan, CommercialOffer, SupplierOrder
from crmcore.errors import DomainValidationError, EntityNotFoundError
from crmcore.ids import AgreementId, DealId, PartnerId

__all__ = ["DealDocuments", "deal_documents", "price_form_of"]


@attrs.frozen(kw_only=True)
class DealDocuments:
    """The documents of a deal: its offers (by number), supplier orders and business plan."""

    deal_id: str
    offers: tuple[CommercialOffer, ...] = ()
    supplier_orders: tuple[SupplierOrder, ...] = ()
    business_plan: BusinessPlan | None = None


def _agreement_in_force(
    repositories: Repositories, partner_id: PartnerId, on: date, agreement_id: str | None
) -> Agreement:
    if agreement_id is not None:
        return repositories.agreements.get(AgreementId(agreement_id))
    active = [a for a in repositories.agreements.of_partner(partner_id) if a.is_active(on)]
    if not active:
        message = "must be given: the client has no individual agreement in force"
        raise DomainValidationError.single("agreement_id", message, value=partner_id)
    return active[-1]


def price_form_of(
    repositories: Repositories,
    partner_id: str,
    *,
    on: date,
    agreement_id: str | None = None,
    group_id: str | None = None,
) -> PriceForm:
    """The price form of ``partner_id`` on ``on`` under ``agreement_id`` (the client's
    individual agreement in force, the latest, when ``None``), over every product or the
    products of ``group_id``."""
    catalog = repositories.catalog
    if catalog is None:
        raise DomainValidationError.single("store", "keeps no catalog")
    partner = repositories.partners.get(PartnerId(partner_id))
    agreement = _agreement_in_force(repositories, partner.id, on, agreement_id)
    products = catalog.find(group_id=group_id)
    return price_form(
        partner,
        agreement,
        groups=catalog.groups(),
        products=products,
        stock=[level for product in products for level in catalog.stock_of(product.id)],
        prices=catalog,
        history=repositories.sales_history,
        on=on,
    )


def deal_documents(repositories: Repositories, deal_id: str) -> DealDocuments:
    """The documents ``deal_id`` has in the store's repositories (none of a repository the
    store lacks); ``EntityNotFoundError`` for an unknown deal."""
    deal = repositories.deals.get(DealId(deal_id))
    plan: BusinessPlan | None = None
    if repositories.business_plans is not None:
        try:
            plan = repositories.business_plans.get(deal.id)
        except EntityNotFoundError:
            plan = None
    offers = repositories.offers
    orders = repositories.supplier_orders
    return DealDocuments(
        deal_id=deal.id,
        offers=tuple(offers.of_deal(deal.id)) if offers is not None else (),
        supplier_orders=tuple(orders.of_deal(deal.id)) if orders is not None else (),
        business_plan=plan,
    )
