"""The demo's price form chapter: a catalog filled through commands, the price form of
ООО «Ромашка» under its agreement (stock per warehouse, recommended and minimum price, what
the client paid before, the image), a "sell" refused below the lowest price, and the "sell"
that puts the items on a deal, registers offer 1 and leaves its e-mail in the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final, Protocol, cast

from crmcore.app.commands import (
    AddPriceType,
    CreateProduct,
    CreateProductGroup,
    OpenDeal,
    ReportStock,
    Sell,
    SetPrice,
)
from crmcore.catalog import (
    PriceFormLine,
    PriceType,
    ProductDraft,
    ProductKind,
    StockLevel,
    TreeNode,
)
from crmcore.deals import DealDraft, ProductPick
from crmcore.demo.agreements import INDIVIDUAL
from crmcore.demo.story import MOSCOW, Story
from crmcore.demo.world import table
from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef, PartnerId
from crmcore.money import Money

__all__ = ["chapter"]

_GROUPS: Final = (
    ("tea", "Чай", None),
    ("tableware", "Посуда", None),
    ("cups", "Чашки", "tableware"),
)
_PRODUCTS: Final = (
    ("tea-green", "Чай зелёный 1 кг", "tea", ProductKind.PRODUCT, "1200.00", "1050.00"),
    ("tea-black", "Чай чёрный 1 кг", "tea", ProductKind.PRODUCT, "950.00", None),
    ("cups-set", "Набор чашек", "cups", ProductKind.PRODUCT, "2400.00", None),
    ("saucer", "Блюдце к набору", "cups", ProductKind.COMPONENT, "300.00", None),
)
_STOCK: Final = (("tea-green", "msk", 40), ("tea-green", "spb", 12), ("cups-set", "msk", 7))


class _Recording(Protocol):
    """The reference sales histories can record a sale, as the host's ERP posts one."""

    def record(self, partner_id: PartnerId, product: str, price: Money, *, sold_on: date) -> None:
        """Remember a sale."""
        ...


def _moment(story: Story) -> datetime:
    """The story's moment, or the nearest noon in Moscow within the year of the client's
    agreement (the year of the story's moment), so that the agreement is in force."""
    year = story.now.year
    day = story.now.astimezone(MOSCOW).date()
    if day.year == year:
        return story.now
    first, last = date(year, 1, 1), date(year, 12, 31)
    return datetime.combine(first if day < first else last, time(12), tzinfo=MOSCOW)


def chapter(story: Story) -> Iterator[str]:
    """The catalog, the price form, a refused sale and the sale with its e-mail."""
    at = _moment(story)
    _fill(story, at)
    form = story.crm.price_form("romashka", now=at)
    yield f"The product tree: {_tree(form.tree)}"
    yield f"The price form of ООО «Ромашка» under {form.agreement_id!r} on {form.on}:"
    headers = ["product", "kind", "stock", "list", "recommended", "minimum", "paid before", "image"]
    yield from table(headers, [_row(line) for line in form.lines])
    deal = story.run(
        OpenDeal(
            draft=DealDraft(
                title="Чай для «Ромашки»", partner_id="romashka", responsible_manager="anna",
                documents=[EntityRef(entity_type="agreement", entity_id=INDIVIDUAL)],
            ),
            pipeline_id="manual_sale", deal_id="d-tea",
        ),
        actor="anna", at=at,
    )  # fmt: skip
    yield ""
    greedy = ProductPick(product_id="tea-green", quantity=Decimal(20), discount=Decimal(15))
    try:
        story.run(Sell(deal_id=deal.id, items=(greedy,)), actor="anna", at=at)
    except DomainValidationError as error:
        yield f"Sell at 15% off is refused: {error}"
    yield f"  the deal's items after it: {len(story.crm.get('deal', deal.id).line_items)}"
    picks = (
        ProductPick(product_id="tea-green", quantity=Decimal(20)),
        ProductPick(product_id="cups-set", quantity=Decimal(5), discount=Decimal(10)),
    )
    offer = story.run(Sell(deal_id=deal.id, items=picks, offer_id="KP-1"), actor="anna", at=at)
    yield from _sold(story, deal.id, offer.id)


def _fill(story: Story, at: datetime) -> None:
    for group_id, name, parent in _GROUPS:
        created = CreateProductGroup(title=name, parent_id=parent, group_id=group_id)
        story.run(created, actor="olga", at=at)
    story.run(
        AddPriceType(price_type=PriceType(id="wholesale", name="Оптовая", currency="RUB")),
        actor="olga",
        at=at,
    )
    start = date(story.now.year, 1, 1)
    for product_id, name, group, kind, price, lowest in _PRODUCTS:
        draft = ProductDraft(
            name=name, kind=kind, group_id=group, unit="шт", image=f"img/{product_id}.jpg",
            min_price=Money.of(lowest, "RUB") if lowest else None,
        )  # fmt: skip
        story.run(CreateProduct(draft=draft, product_id=product_id), actor="olga", at=at)
        story.run(
            SetPrice(product_id=product_id, price_type="wholesale",
                     price=Money.of(price, "RUB"), valid_from=start),
            actor="olga", at=at,
        )  # fmt: skip
    for product_id, warehouse, quantity in _STOCK:
        level = StockLevel(
            product_id=product_id, warehouse=warehouse, quantity=Decimal(quantity), as_of=at
        )
        story.run(ReportStock(level=level), actor="olga", at=at)
    with story.crm.store.unit_of_work() as repositories:
        history = cast("_Recording", repositories.sales_history)
        sold_on = at.astimezone(MOSCOW).date() - timedelta(days=40)
        history.record(
            PartnerId("romashka"), "tea-green", Money.of("1090.00", "RUB"), sold_on=sold_on
        )


def _tree(nodes: tuple[TreeNode, ...]) -> str:
    parts = []
    for node in nodes:
        below = ", ".join(child.group.name for child in node.children)
        parts.append(f"{node.group.name} ({below})" if below else node.group.name)
    return "; ".join(parts)


def _row(line: PriceFormLine) -> list[str]:
    stock = ", ".join(f"{s.warehouse} {s.quantity}" for s in line.stock) or "-"
    price = line.price
    paid = f"{line.last_sale.price.amount} on {line.last_sale.sold_on}" if line.last_sale else "-"
    return [
        line.product.name, line.product.kind.value, stock,
        str(price.list_price.amount) if price else "-",
        str(price.recommended.amount) if price else "-",
        str(price.minimum.amount) if price else "-",
        paid, line.product.image or "-",
    ]  # fmt: skip


def _sold(story: Story, deal_id: str, offer_id: str) -> Iterator[str]:
    deal = story.crm.get("deal", deal_id)
    offer = next(o for o in story.crm.deal_documents(deal_id).offers if o.id == offer_id)
    yield f"Sell: {len(deal.line_items)} line items, the deal's amount {deal.amount}"
    yield f"  offer {offer.number} ({offer.id}) is {offer.status.value}, total {offer.total}"
    message = next(m for m in story.crm.outbox.pending() if m.command.caused_by == str(offer.ref))
    action = message.command.action
    to = ", ".join(r.address or r.explanation for r in message.recipients)
    yield f"The e-mail in the outbox to {to}: {getattr(action, 'subject', '')!r}"
    yield f"  attached: {message.command.caused_by}"
    for text in str(getattr(action, "body", "")).splitlines()[:8]:
        yield f"  | {text}".rstrip()
