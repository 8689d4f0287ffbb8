"""The closed vocabularies of the partners area: kinds, roles, and kinds of contact data."""

from __future__ import annotations

import enum

__all__ = [
    "AddressKind",
    "EmailKind",
    "PartnerKind",
    "PartnerRole",
    "PhoneKind",
    "RelationshipKind",
]


class PartnerKind(enum.Enum):
    """The legal form of a partner, which decides what legal data it has."""

    LEGAL_ENTITY = "legal_entity"
    SOLE_PROPRIETOR = "sole_proprietor"
    INDIVIDUAL = "individual"


class PartnerRole(enum.Enum):
    """What a partner is to us; a partner may hold several roles at once."""

    CLIENT = "client"
    SUPPLIER = "supplier"
    COMPETITOR = "competitor"
    CARRIER = "carrier"
    DEALER = "dealer"
    OTHER = "other"


class PhoneKind(enum.Enum):
    """What a phone number is used for."""

    WORK = "work"
    MOBILE = "mobile"
    HOME = "home"
    FAX = "fax"
    OTHER = "other"


class EmailKind(enum.Enum):
    """What an email address is used for."""

    WORK = "work"
    PERSONAL = "personal"
    BILLING = "billing"
    OTHER = "other"


class AddressKind(enum.Enum):
    """Which address of a partner this is."""

    LEGAL = "legal"
    ACTUAL = "actual"
    POSTAL = "postal"
    DELIVERY = "delivery"
    OTHER = "other"


class RelationshipKind(enum.Enum):
    """A typed link between two partners or between two contact persons.

    Directed kinds read "source <kind> target": ``PARENT_COMPANY_OF`` means the source owns the
    target. Symmetric kinds (:attr:`symmetric`) mean the same read either way.
    """

    PARENT_COMPANY_OF = "parent_company_of"
    DEALER_OF = "dealer_of"
    SUPPLIER_OF = "supplier_of"
    CARRIER_OF = "carrier_of"
    COMPETITOR_OF = "competitor_of"
    PARTNER_OF = "partner_of"
    KNOWS = "knows"
    REPORTS_TO = "reports_to"
    RELATIVE_OF = "relative_of"
    COLLEAGUE_OF = "colleague_of"

    @property
    def between(self) -> str:
        """The entity type at both ends: ``"partner"`` or ``"contact_person"``."""
        return "contact_person" if self in _PERSON_KINDS else "partner"

    @property
    def symmetric(self) -> bool:
        """Whether "A kind B" also means "B kind A"."""
        return self in _SYMMETRIC_KINDS


_PERSON_KINDS = frozenset(
    {
        RelationshipKind.KNOWS,
        RelationshipKind.REPORTS_TO,
        RelationshipKind.RELATIVE_OF,
        RelationshipKind.COLLEAGUE_OF,
    }
)
_SYMMETRIC_KINDS = frozenset(
    {
        RelationshipKind.COMPETITOR_OF,
        RelationshipKind.PARTNER_OF,
        RelationshipKind.KNOWS,
        RelationshipKind.RELATIVE_OF,
        RelationshipKind.COLLEAGUE_OF,
    }
)
