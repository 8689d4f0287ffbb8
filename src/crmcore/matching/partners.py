"""Partners as match records: the adapter and the ready model for :class:`Partner` objects."""

from __future__ import annotations

from typing import Final

from crmcore.matching.normalize import PART_SEPARATOR, FieldKind
from crmcore.partners.model import Partner

__all__ = ["PARTNER_FIELDS", "partner_record"]

PARTNER_FIELDS: Final = (
    ("short_name", FieldKind.COMPANY_NAME),
    ("full_name", FieldKind.COMPANY_NAME),
    ("tax_id", FieldKind.TAX_ID),
    ("registration_number", FieldKind.IDENTIFIER),
    ("phone", FieldKind.PHONE),
    ("email", FieldKind.EMAIL),
    ("address", FieldKind.ADDRESS),
)
"""The fields of a partner's match record and their kinds."""


def partner_record(partner: Partner) -> dict[str, str | None]:
    """The match record of ``partner``: names, legal codes, every phone and e-mail, an address.

    >>> from datetime import datetime, timezone
    >>> from crmcore.ids import PartnerId
    >>> from crmcore.partners import LegalData, PartnerKind, PartnerRole, Phone
    >>> partner = Partner(
    ...     id=PartnerId("p-1"), kind=PartnerKind.LEGAL_ENTITY,
    ...     roles=frozenset({PartnerRole.CLIENT}), short_name="Ромашка",
    ...     legal=LegalData(tax_id="7707083893"), phones=(Phone(number="+74951234567"),),
    ...     created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> partner_record(partner)["phone"], partner_record(partner)["email"]
    ('+74951234567', None)
    """
    legal = partner.legal
    return {
        "short_name": partner.short_name,
        "full_name": partner.full_name,
        "tax_id": legal.tax_id if legal else None,
        "registration_number": legal.registration_number if legal else None,
        "phone": PART_SEPARATOR.join(phone.number for phone in partner.phones) or None,
        "email": PART_SEPARATOR.join(email.address for email in partner.emails) or None,
        "address": partner.addresses[0].text if partner.addresses else None,
    }
