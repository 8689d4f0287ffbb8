"""Gates: conditions that must hold for a deal to enter a stage.

A gate is a function ``gate(deal, context, argument)`` that returns ``None`` when it holds and
otherwise a sentence saying what is missing. crmcore evaluates every gate of a stage itself,
so that a refused move names every unmet gate, not only the first one.

A gate that takes an argument may also check it when a pipeline is loaded, with a method
``argument_problem(argument)`` that returns ``None`` or what is wrong: the built-in gates do
(:class:`ArgumentCheckedGate`), so ``document_linked`` without a document kind does not parse.

Built-in gates and plugins come from the ``crmcore.gates`` entry point group: :func:`load_gates`
loads them all when the host asks. :data:`BUILTIN_GATES` holds the built-ins without touching
entry points, for hosts and tests that need no plugins.

>>> from datetime import datetime, timezone
>>> from crmcore.deals import Deal, DealKind
>>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
>>> deal = Deal(id="d-1", title="Pipes", partner_id="p-1", pipeline_id="typical_sale",
...             kind=DealKind.CONTROLLED, stage="first_contact", responsible_manager="u-1",
...             created_at=at, stage_entered_at=at)
>>> BUILTIN_GATES["agreement_linked"](deal, GateContext(), None)
'no agreement (sales conditions) is linked to the deal'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import update_wrapper
from types import MappingProxyType
from typing import Any, Final, Protocol

import attrs

from crmcore.deals.documents import CommercialOffer
from crmcore.deals.kinds import DocumentKind, OfferStatus
from crmcore.deals.model import Deal
from crmcore.partners.kinds import PartnerRole
from crmcore.partners.model import Partner
from crmcore.plugins import load

__all__ = [
    "BUILTIN_GATES",
    "GATES",
    "ArgumentCheckedGate",
    "Gate",
    "GateContext",
    "agreement_linked",
    "amount_set",
    "client_classified",
    "commercial_offer_registered",
    "custom_field_filled",
    "document_linked",
    "expected_close_set",
    "load_gates",
]

GATES: Final = "crmcore.gates"
"""The entry point group of gates."""


@attrs.frozen(kw_only=True)
class GateContext:
    """What gates may need besides the deal: its partner, its commercial offers (``None``
    when not looked up), and facts the host knows (``facts={"credit_approved": True}``) for
    plugin gates to read."""

    partner: Partner | None = None
    offers: tuple[CommercialOffer, ...] | None = None
    facts: Mapping[str, object] = attrs.field(factory=dict)


class Gate(Protocol):
    """A condition to enter a stage: ``None`` if it holds, else what is missing."""

    def __call__(self, deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
        """Check the gate for ``deal``; ``argument`` is the stage's setting for it."""
        ...


class ArgumentCheckedGate:
    """A gate with the check of its argument that :func:`~crmcore.deals.parse_pipeline` runs
    when a pipeline is loaded, so that a stage no deal could ever enter does not parse."""

    def __init__(self, gate: Gate, problem: Callable[[str | None], str | None]) -> None:
        self._gate = gate
        self._problem = problem
        update_wrapper(self, gate)

    def __call__(self, deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
        return self._gate(deal, context, argument)

    def argument_problem(self, argument: str | None) -> str | None:
        """What is wrong with ``argument`` for this gate, else ``None``."""
        return self._problem(argument)


def _no_argument(argument: str | None) -> str | None:
    return None if argument is None else "this gate takes no argument"


def _document_kind(argument: str | None) -> str | None:
    kinds = ", ".join(kind.value for kind in DocumentKind)
    if argument in {kind.value for kind in DocumentKind}:
        return None
    return f"must be the kind of document to link: {kinds}"


def _field_name(argument: str | None) -> str | None:
    return None if argument else "must name the custom field to fill"


def _client_classified(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
    """The deal's partner is a client with a segment (its classification) set."""
    partner = context.partner
    if partner is None or partner.id != deal.partner_id:
        return f"the partner {deal.partner_id!r} was not given to check its classification"
    if not partner.has_role(PartnerRole.CLIENT):
        return f"the partner {partner.short_name!r} is not a client"
    if partner.segment is None:
        return f"the client {partner.short_name!r} is not classified (no segment)"
    return None


def _agreement_linked(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
    """An agreement (the sales conditions) is linked to the deal."""
    if deal.linked(DocumentKind.AGREEMENT):
        return None
    return "no agreement (sales conditions) is linked to the deal"


def _commercial_offer_registered(
    deal: Deal, context: GateContext, argument: str | None, /
) -> str | None:
    """A commercial offer of the deal is registered and not declined. Without the offers in
    the context, one linked to the deal is enough; with them, a linked offer they do not
    hold (a quote the host keeps itself) counts too."""
    linked = deal.linked(DocumentKind.COMMERCIAL_OFFER)
    missing = "no commercial offer is registered for the deal"
    if context.offers is None:
        return None if linked else missing
    stored = {offer.id: offer for offer in context.offers if offer.deal_id == deal.id}
    if any(offer.status is not OfferStatus.DECLINED for offer in stored.values()):
        return None
    if any(ref.entity_id not in stored for ref in linked):
        return None
    return "every commercial offer of the deal was declined" if stored else missing


def _document_linked(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
    """A document of the kind named by ``argument`` (``"supplier_order"``, ...) is linked."""
    try:
        kind = DocumentKind(argument)
    except ValueError:
        return f"the gate needs a document kind as argument, not {argument!r}"
    if deal.linked(kind):
        return None
    return f"no {kind.value.replace('_', ' ')} is linked to the deal"


def _amount_set(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
    """The deal has an amount above zero."""
    if deal.amount is not None and deal.amount.amount > 0:
        return None
    return "the amount of the deal is not set"


def _expected_close_set(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
    """The deal has an expected close date."""
    return None if deal.expected_close is not None else "the expected close date is not set"


def _custom_field_filled(deal: Deal, context: GateContext, argument: str | None, /) -> str | None:
    """The custom field named by ``argument`` has a value that is not blank."""
    value = deal.custom.get(argument or "")
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"the custom field {argument!r} is not filled"
    return None


client_classified: Final = ArgumentCheckedGate(_client_classified, _no_argument)
agreement_linked: Final = ArgumentCheckedGate(_agreement_linked, _no_argument)
commercial_offer_registered: Final = ArgumentCheckedGate(_commercial_offer_registered, _no_argument)
document_linked: Final = ArgumentCheckedGate(_document_linked, _document_kind)
amount_set: Final = ArgumentCheckedGate(_amount_set, _no_argument)
expected_close_set: Final = ArgumentCheckedGate(_expected_close_set, _no_argument)
custom_field_filled: Final = ArgumentCheckedGate(_custom_field_filled, _field_name)

BUILTIN_GATES: Final[Mapping[str, Gate]] = MappingProxyType(
    {
        "agreement_linked": agreement_linked,
        "amount_set": amount_set,
        "client_classified": client_classified,
        "commercial_offer_registered": commercial_offer_registered,
        "custom_field_filled": custom_field_filled,
        "document_linked": document_linked,
        "expected_close_set": expected_close_set,
    }
)
"""The built-in gates by name, as they register in the ``crmcore.gates`` group."""


def _not_callable(name: str, loaded: Any) -> str | None:
    return None if callable(loaded) else "a gate must be callable as gate(deal, context, argument)"


def load_gates(**options: Any) -> Mapping[str, Gate]:
    """Every gate of the ``crmcore.gates`` entry point group, built-ins and plugins.

    ``options`` go to :func:`crmcore.plugins.load` (``available=`` for hand-assembled entry
    points). A plugin that is not callable raises :class:`~crmcore.errors.PluginError`.
    """
    return load(GATES, validate=_not_callable, **options)
