"""The application layer: crmcore as one system.

:class:`CRM` runs each command of :mod:`crmcore.app.commands` end to end in one unit of
work of a :class:`Store` (the repositories of every area, the outbox and the tick log):
the area service, the saves, the stage log, the duplicate indexes, the rules (their internal
commands through the area services), and the outbox for the outside world.
"""

from crmcore.app.commands import CRMCommand
from crmcore.app.crm import CRM, Executed, PartnerView, Ticked
from crmcore.app.model import OutboxMessage, OutboxStatus, Recipient
from crmcore.app.outbox import Delivery, MessageHandler, Outbox
from crmcore.app.repository import OutboxRepository, TickLog
from crmcore.app.settings import Settings
from crmcore.app.store import Repositories, Store

__all__ = [
    "CRM",
    "CRMCommand",
    "Delivery",
    "Executed",
    "MessageHandler",
    "Outbox",
    "OutboxMessage",
    "OutboxRepository",
    "OutboxStatus",
    "PartnerView",
    "Recipient",
    "Repositories",
    "Settings",
    "Store",
    "TickLog",
    "Ticked",
]
