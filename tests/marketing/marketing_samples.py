"""Shared samples of the marketing tests: partners with cars, contact persons, purchases and
closed deals with their line items."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.deals import Deal, DealKind, DealStatus, items_total, line_item
from crmcore.ids import ContactPersonId, DealId, PartnerId, PipelineId, UserId
from crmcore.marketing import Purchase, segment_schemas
from crmcore.money import Money
from crmcore.partners import ContactPerson, Email, Partner, PartnerKind, PartnerRole, Phone

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LAST_YEAR = datetime(2025, 5, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
CUSTOM = CustomFieldRegistry().with_field(
    "partner", CustomField(name="car_brand", type=CustomFieldType.TEXT)
)
SCHEMAS = segment_schemas(CUSTOM)


def partner(partner_id: str, *, car: str | None = None, name: str = "Ромашка") -> Partner:
    """A client, owning a car of brand ``car`` if given."""
    return Partner(
        id=PartnerId(partner_id),
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}),
        short_name=name,
        created_at=NOW - 400 * DAY,
        custom={} if car is None else {"car_brand": car},
    )


def person(person_id: str, partner_id: str, *, email: str | None = None) -> ContactPerson:
    """A contact person of ``partner_id``, with an e-mail and a phone."""
    return ContactPerson(
        id=ContactPersonId(person_id),
        partner_id=PartnerId(partner_id),
        name=f"Person {person_id}",
        emails=(Email.parse(email or f"{person_id}@example.com"),),
        phones=(Phone.parse("+79161234567"),),
        created_at=NOW - 300 * DAY,
    )


def purchase(
    line_id: str, deal_id: str, partner_id: str, product_id: str, amount: str, won_at: datetime
) -> Purchase:
    """A line of a won deal, in roubles."""
    return Purchase(
        id=line_id,
        deal_id=DealId(deal_id),
        partner_id=PartnerId(partner_id),
        product_id=product_id,
        amount=Money(amount=Decimal(amount), currency="RUB"),
        won_at=won_at,
    )


def deal(deal_id: str, partner_id: str, status: DealStatus, *lines: tuple[str, str]) -> Deal:
    """An unstaged deal of ``partner_id`` with a line item per ``(product, price in
    roubles)``, closed at ``NOW`` unless it is open."""
    items = tuple(
        line_item(product, quantity=Decimal(1), unit_price=Money.of(price, "RUB"))
        for product, price in lines
    )
    return Deal(
        id=DealId(deal_id), title="Service", partner_id=PartnerId(partner_id),
        pipeline_id=PipelineId("long_project"), kind=DealKind.UNSTAGED,
        responsible_manager=UserId("anna"), created_at=NOW - 30 * DAY,
        stage_entered_at=NOW - 30 * DAY, status=status,
        closed_at=None if status is DealStatus.OPEN else NOW,
        lost_reason="price" if status is DealStatus.LOST else None,
        line_items=items, amount=items_total(items) if items else None,
    )  # fmt: skip


PARTNERS = (
    partner("p-audi-big", car="Audi"),
    partner("p-audi-small", car="Audi"),
    partner("p-bmw-big", car="BMW"),
    partner("p-none"),
)
PURCHASES = (
    purchase("l-1", "d-1", "p-audi-big", "oil", "30000", LAST_YEAR),
    purchase("l-2", "d-1", "p-audi-big", "filter", "25000", LAST_YEAR),
    purchase("l-3", "d-2", "p-audi-small", "oil", "10000", LAST_YEAR),
    purchase("l-4", "d-3", "p-bmw-big", "tyres", "90000", LAST_YEAR),
    purchase("l-5", "d-4", "p-audi-small", "tyres", "80000", NOW - 10 * DAY),
)
