"""Sales analytics over the areas, read-only: the manager's desktop and KPI benchmarking
against the same period a year before."""

from crmcore.analytics.desktop import (
    ContactLine,
    Counterparty,
    Desktop,
    PartnerCard,
    desktop,
    partner_card,
)
from crmcore.analytics.indicators import BUILTIN_INDICATORS, StreamedIndicator
from crmcore.analytics.kpi import (
    Indicator,
    KpiTable,
    KpiValue,
    Measures,
    Source,
    Tally,
    Unit,
    Windows,
    kpi_table,
    load_indicators,
)
from crmcore.analytics.periods import Granularity, Period
from crmcore.analytics.records import (
    ClaimRecord,
    DealRecord,
    InteractionRecord,
    LeadRecord,
    PartnerSales,
    SalesFacts,
)

__all__ = [
    "BUILTIN_INDICATORS",
    "ClaimRecord",
    "ContactLine",
    "Counterparty",
    "DealRecord",
    "Desktop",
    "Granularity",
    "Indicator",
    "InteractionRecord",
    "KpiTable",
    "KpiValue",
    "LeadRecord",
    "Measures",
    "PartnerCard",
    "PartnerSales",
    "Period",
    "SalesFacts",
    "Source",
    "StreamedIndicator",
    "Tally",
    "Unit",
    "Windows",
    "desktop",
    "kpi_table",
    "load_indicators",
    "partner_card",
]
