"""Partners: clients, suppliers, competitors, carriers and dealers; their contact persons,
contact information, legal data, bank accounts and relationships."""

from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.events import (
    ContactPersonAdded,
    ContactPersonChanged,
    PartnerChanged,
    PartnerRegistered,
    RelationshipLinked,
    RelationshipUnlinked,
)
from crmcore.partners.kinds import (
    AddressKind,
    EmailKind,
    PartnerKind,
    PartnerRole,
    PhoneKind,
    RelationshipKind,
)
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.partners.repository import (
    ContactPersonRepository,
    PartnerRepository,
    RelationshipRepository,
)
from crmcore.partners.taxids import GENERIC, RUSSIA, GenericTaxIds, RussianTaxIds, TaxIdScheme

__all__ = [
    "GENERIC",
    "RUSSIA",
    "Address",
    "AddressKind",
    "BankAccount",
    "ContactPerson",
    "ContactPersonAdded",
    "ContactPersonChanged",
    "ContactPersonRepository",
    "Email",
    "EmailKind",
    "GenericTaxIds",
    "LegalData",
    "Partner",
    "PartnerChanged",
    "PartnerKind",
    "PartnerRegistered",
    "PartnerRepository",
    "PartnerRole",
    "Phone",
    "PhoneKind",
    "Relationship",
    "RelationshipKind",
    "RelationshipLinked",
    "RelationshipRepository",
    "RelationshipUnlinked",
    "RussianTaxIds",
    "TaxIdScheme",
]
