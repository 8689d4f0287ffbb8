"""The closed vocabularies of the agreements area."""

from __future__ import annotations

import enum

__all__ = [
    "AgreementKind",
    "AgreementStatus",
    "ConditionSource",
    "DayCount",
    "DeliveryMethod",
    "PaymentBasis",
    "PaymentForm",
    "SaleKind",
    "SalesDocumentKind",
    "TaxRegime",
]


class AgreementKind(enum.Enum):
    """Typical: standard conditions for a group of partners; individual: for one partner,
    based on a typical agreement whose conditions it inherits and partly overrides."""

    TYPICAL = "typical"
    INDIVIDUAL = "individual"


class AgreementStatus(enum.Enum):
    """Where an agreement is in its approval lifecycle; only ``approved`` is in force."""

    DRAFT = "draft"
    ON_APPROVAL = "on_approval"
    APPROVED = "approved"
    EXPIRED = "expired"
    CLOSED = "closed"


class PaymentForm(enum.Enum):
    """How the client pays; ``any`` accepts every form."""

    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    ANY = "any"


class TaxRegime(enum.Enum):
    """How VAT is applied to prices."""

    VAT_INCLUDED = "vat_included"
    VAT_ON_TOP = "vat_on_top"
    EXEMPT = "exempt"


class DeliveryMethod(enum.Enum):
    """Who brings the goods to the client."""

    PICKUP = "pickup"
    OUR_DELIVERY = "our_delivery"
    CARRIER = "carrier"


class SaleKind(enum.Enum):
    """The kind of sale the conditions are for."""

    WHOLESALE = "wholesale"
    RETAIL = "retail"
    COMMISSION = "commission"


class PaymentBasis(enum.Enum):
    """The date a stage of a payment schedule counts from.

    ``order``: a prepayment, counted from the order date; ``shipment``: a payment on credit,
    counted from the shipment date; ``day_of_month``: a fixed day of the month, the first one
    on or after the shipment date plus the stage's offset.
    """

    ORDER = "order"
    SHIPMENT = "shipment"
    DAY_OF_MONTH = "day_of_month"


class DayCount(enum.Enum):
    """Whether the days of a payment stage are calendar days or working days."""

    CALENDAR = "calendar"
    WORKING = "working"


class ConditionSource(enum.Enum):
    """Where an effective condition of an individual agreement comes from."""

    TYPICAL = "typical"
    INDIVIDUAL = "individual"


class SalesDocumentKind(enum.Enum):
    """The sales documents a host checks against an agreement."""

    ORDER = "order"
    INVOICE = "invoice"
    SHIPMENT = "shipment"
