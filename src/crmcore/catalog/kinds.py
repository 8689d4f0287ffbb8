"""The closed vocabularies of the catalog: what a catalog entry is."""

from __future__ import annotations

import enum

__all__ = ["ProductKind"]


class ProductKind(enum.Enum):
    """A product is sold as it is; a component is sold as a part of what a client assembles."""

    PRODUCT = "product"
    COMPONENT = "component"
