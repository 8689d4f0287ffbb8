"""The handler of each command: it loads what the command needs, calls the area service and
stores what changed through the :class:`~crmcore.app.work.Work` of the unit of work."""

from __future__ import annotations

from typing import Final

from crmcore.app.handlers.agreements import HANDLERS as AGREEMENTS
from crmcore.app.handlers.base import Handler
from crmcore.app.handlers.catalog import HANDLERS as CATALOG
from crmcore.app.handlers.claims import HANDLERS as CLAIMS
from crmcore.app.handlers.deals import HANDLERS as DEALS
from crmcore.app.handlers.interactions import HANDLERS as INTERACTIONS
from crmcore.app.handlers.marketing import HANDLERS as MARKETING
from crmcore.app.handlers.partners import HANDLERS as PARTNERS
from crmcore.app.handlers.requests import HANDLERS as REQUESTS
from crmcore.app.handlers.rules import HANDLERS as RULES
from crmcore.app.handlers.tasks import HANDLERS as TASKS

__all__ = ["HANDLERS", "Handler"]

HANDLERS: Final[dict[type, Handler]] = {
    **PARTNERS,
    **DEALS,
    **INTERACTIONS,
    **AGREEMENTS,
    **CLAIMS,
    **REQUESTS,
    **RULES,
    **TASKS,
    **MARKETING,
    **CATALOG,
}
