"""Example pipelines that ship with crmcore, one per deal kind: use them as they are, or as
the starting point of a company's own (they are plain data, so copy and change them).

>>> [stage.name for stage in TYPICAL_SALE.ordered]
['first_contact', 'qualification', 'commercial_offer', 'negotiation', 'contract']
>>> sorted(BUILTIN_PIPELINES)
['long_project', 'manual_sale', 'typical_sale']
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from crmcore.deals.kinds import DealKind
from crmcore.deals.pipeline import Pipeline, Stage, StageGate
from crmcore.ids import PipelineId

__all__ = ["BUILTIN_PIPELINES", "LONG_PROJECT", "MANUAL_SALE", "TYPICAL_SALE"]


def _stages(*, advisory: bool) -> tuple[Stage, ...]:
    """The stages of a classic B2B sale; ``advisory`` only changes the titles' wording."""
    offer_gates = (StageGate(gate="client_classified"), StageGate(gate="agreement_linked"))
    talk_gates = (StageGate(gate="commercial_offer_registered"), StageGate(gate="amount_set"))
    suffix = " (recommended order)" if advisory else ""
    return (
        Stage(name="first_contact", title="First contact" + suffix, order=10,
              probability=Decimal(5), expected_days=3),
        Stage(name="qualification", title="Qualification", order=20,
              probability=Decimal(15), expected_days=7),
        Stage(name="commercial_offer", title="Commercial offer", order=30,
              probability=Decimal(35), expected_days=10, gates=offer_gates),
        Stage(name="negotiation", title="Negotiation", order=40,
              probability=Decimal(60), expected_days=14, gates=talk_gates),
        Stage(name="contract", title="Contract", order=50, probability=Decimal(90),
              expected_days=7, final=True, gates=(StageGate(gate="expected_close_set"),)),
    )  # fmt: skip


TYPICAL_SALE: Final = Pipeline(
    id=PipelineId("typical_sale"),
    title="Typical sale",
    kind=DealKind.CONTROLLED,
    stages=_stages(advisory=False),
)
"""A controlled sale: stages in a fixed order, a commercial offer only for a classified
client with an agreement, negotiation only with an offer and an amount."""

MANUAL_SALE: Final = Pipeline(
    id=PipelineId("manual_sale"),
    title="Sale with manual stages",
    kind=DealKind.MANUAL,
    stages=_stages(advisory=True),
    win_at_any_stage=True,
)
"""The same stages, chosen freely by the manager; gates only warn; won at any stage."""

LONG_PROJECT: Final = Pipeline(
    id=PipelineId("long_project"), title="Long project", kind=DealKind.UNSTAGED
)
"""No stages: a long project that collects tasks and interactions until it is won or lost."""

BUILTIN_PIPELINES: Final[Mapping[str, Pipeline]] = MappingProxyType(
    {pipeline.id: pipeline for pipeline in (TYPICAL_SALE, MANUAL_SALE, LONG_PROJECT)}
)
"""The example pipelines by id."""
