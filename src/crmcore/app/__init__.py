"""The application layer: crmcore as one system.

:class:`~crmcore.app.store.Store` puts the repositories of every area, the outbox and the
tick log behind one unit of work; the application runs each command end to end inside it.
"""

from crmcore.app.model import OutboxMessage, OutboxStatus, Recipient
from crmcore.app.repository import OutboxRepository, TickLog
from crmcore.app.store import Repositories, Store

__all__ = [
    "OutboxMessage",
    "OutboxRepository",
    "OutboxStatus",
    "Recipient",
    "Repositories",
    "Store",
    "TickLog",
]
