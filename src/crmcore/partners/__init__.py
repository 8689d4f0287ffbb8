"""Partners: clients, suppliers, competitors, carriers and dealers; their contact persons,
contact information, legal data, bank accounts and relationships."""

from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.drafts import ContactPersonDraft, PartnerDraft
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
from crmcore.partners.localtime import RUSSIAN_AREA_ZONES, LocalTime, local_time
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.partners.network import Environment, EnvironmentLink, EnvironmentNode, environment
from crmcore.partners.registration import (
    DuplicateCheck,
    PossibleDuplicate,
    PossibleDuplicates,
    RegistryEntry,
    RegistryLookup,
    register_partner,
)
from crmcore.partners.repository import (
    ContactPersonRepository,
    LoggedChange,
    PartnerChangeLog,
    PartnerRepository,
    RelationshipRepository,
)
from crmcore.partners.services import (
    add_contact_person,
    create_partner,
    edit_contact_person,
    edit_partner,
    link,
    unlink,
)
from crmcore.partners.taxids import GENERIC, RUSSIA, GenericTaxIds, RussianTaxIds, TaxIdScheme

__all__ = [
    "GENERIC",
    "RUSSIA",
    "RUSSIAN_AREA_ZONES",
    "Address",
    "AddressKind",
    "BankAccount",
    "ContactPerson",
    "ContactPersonAdded",
    "ContactPersonChanged",
    "ContactPersonDraft",
    "ContactPersonRepository",
    "DuplicateCheck",
    "Email",
    "EmailKind",
    "Environment",
    "EnvironmentLink",
    "EnvironmentNode",
    "GenericTaxIds",
    "LegalData",
    "LocalTime",
    "LoggedChange",
    "Partner",
    "PartnerChangeLog",
    "PartnerChanged",
    "PartnerDraft",
    "PartnerKind",
    "PartnerRegistered",
    "PartnerRepository",
    "PartnerRole",
    "Phone",
    "PhoneKind",
    "PossibleDuplicate",
    "PossibleDuplicates",
    "RegistryEntry",
    "RegistryLookup",
    "Relationship",
    "RelationshipKind",
    "RelationshipLinked",
    "RelationshipRepository",
    "RelationshipUnlinked",
    "RussianTaxIds",
    "TaxIdScheme",
    "add_contact_person",
    "create_partner",
    "edit_contact_person",
    "edit_partner",
    "environment",
    "link",
    "local_time",
    "register_partner",
    "unlink",
]
