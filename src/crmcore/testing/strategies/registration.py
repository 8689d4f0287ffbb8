"""Registration of the strategies with hypothesis, so that ``st.from_type`` draws valid models.

The ``hypothesis`` entry point (:mod:`crmcore.testing._hypothesis_hook`) and the last line of
:mod:`crmcore.testing.strategies` call :func:`_hypothesis_setup_hook`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from crmcore.customfields import CustomField, CustomFieldRegistry
from crmcore.events import Change, DomainEvent
from crmcore.ids import EntityRef
from crmcore.money import Money
from crmcore.partners.contact_data import Address, BankAccount, Email, Phone
from crmcore.partners.model import ContactPerson, LegalData, Partner, Relationship
from crmcore.testing.strategies.agreements import _agreement_strategies
from crmcore.testing.strategies.automation import rule_strategies
from crmcore.testing.strategies.calendars import _HOLIDAY_RULES, working_calendars, working_periods
from crmcore.testing.strategies.catalog import _catalog_strategies
from crmcore.testing.strategies.claims import _claim_strategies
from crmcore.testing.strategies.contacts import addresses, bank_accounts, emails, phones
from crmcore.testing.strategies.deals import _deal_strategies
from crmcore.testing.strategies.documents import _document_strategies
from crmcore.testing.strategies.interactions import _interaction_strategies
from crmcore.testing.strategies.kernel import (
    PARTNER_EVENTS,
    changes,
    custom_field_registries,
    custom_fields,
    domain_events,
    entity_refs,
    money,
)
from crmcore.testing.strategies.marketing import _marketing_strategies
from crmcore.testing.strategies.partners import contact_persons, legal_data, partners, relationships
from crmcore.testing.strategies.requests import _request_strategies
from crmcore.testing.strategies.tasks import _task_strategies
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

__all__ = ["_hypothesis_setup_hook", "model_strategies"]


def model_strategies() -> dict[type[Any], st.SearchStrategy[Any]]:
    """The strategy of each public model, as :func:`_hypothesis_setup_hook` registers them."""
    registered: dict[type[Any], st.SearchStrategy[Any]] = {
        Money: money(),
        EntityRef: entity_refs(),
        CustomField: custom_fields(),
        CustomFieldRegistry: custom_field_registries(),
        Change: changes(),
        DomainEvent: domain_events(classes=(DomainEvent, *PARTNER_EVENTS)),
        Phone: phones(),
        Email: emails(),
        Address: addresses(),
        BankAccount: bank_accounts(),
        LegalData: legal_data(),
        Partner: partners(),
        ContactPerson: contact_persons(),
        Relationship: relationships(),
        WorkingPeriod: working_periods().map(lambda periods: periods[0]),
        HolidayRule: st.sampled_from(_HOLIDAY_RULES),
        WorkingCalendar: working_calendars(),
    }
    registered.update({cls: domain_events(classes=(cls,)) for cls in PARTNER_EVENTS})
    registered.update(_agreement_strategies())
    registered.update(_document_strategies())
    registered.update(_deal_strategies())
    registered.update(_catalog_strategies())
    registered.update(_claim_strategies())
    registered.update(_marketing_strategies())
    registered.update(_interaction_strategies())
    registered.update(_request_strategies())
    registered.update(_task_strategies())
    registered.update(rule_strategies())
    return registered


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each public model so that ``st.from_type`` draws valid ones."""
    for model, strategy in model_strategies().items():
        st.register_type_strategy(model, strategy)
