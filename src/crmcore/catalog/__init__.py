"""The catalog: products and components in a hierarchy of groups, units, price types with
prices valid from a date, a minimum sale price, the host's stock snapshot per warehouse, an
image reference, and prices for a client through its agreement."""

from crmcore.catalog.events import PriceSet, ProductChanged, ProductCreated, ProductGroupCreated
from crmcore.catalog.kinds import ProductKind
from crmcore.catalog.model import (
    PRODUCT,
    PRODUCT_GROUP,
    Price,
    PriceType,
    Product,
    ProductGroup,
    StockLevel,
)
from crmcore.catalog.pricing import (
    PriceForm,
    PriceFormLine,
    ProductPrice,
    TreeNode,
    price_for,
    price_form,
    product_tree,
    ungrouped,
)
from crmcore.catalog.repository import CatalogRepository
from crmcore.catalog.services import (
    PRODUCT_EDITABLE,
    ProductDraft,
    create_group,
    create_product,
    edit_product,
    set_price,
)

__all__ = [
    "PRODUCT",
    "PRODUCT_EDITABLE",
    "PRODUCT_GROUP",
    "CatalogRepository",
    "Price",
    "PriceForm",
    "PriceFormLine",
    "PriceSet",
    "PriceType",
    "Product",
    "ProductChanged",
    "ProductCreated",
    "ProductDraft",
    "ProductGroup",
    "ProductGroupCreated",
    "ProductKind",
    "ProductPrice",
    "StockLevel",
    "TreeNode",
    "create_group",
    "create_product",
    "edit_product",
    "price_for",
    "price_form",
    "product_tree",
    "set_price",
    "ungrouped",
]
