"""Interactions: meetings, planned interactions, calls, emails and SMS; their participants,
chains by subject, reminders and the queries of a manager's day."""

from crmcore.interactions.events import (
    InteractionChanged,
    InteractionCreated,
    InteractionStatusChanged,
)
from crmcore.interactions.kinds import Direction, InteractionKind, InteractionStatus
from crmcore.interactions.lifecycle import (
    INTERACTION_LIFECYCLE,
    INTERACTION_LIFECYCLE_DEFINITION,
)
from crmcore.interactions.model import (
    PARTICIPANT_TYPES,
    SUBJECT_TYPES,
    Interaction,
    Participant,
    Reminder,
)
from crmcore.interactions.reminders import DueReminder, DueReminders, due_in, due_reminders
from crmcore.interactions.repository import InteractionRepository
from crmcore.interactions.services import (
    InteractionDraft,
    add_participant,
    cancel,
    change_subject,
    complete,
    create_interaction,
    link_participant,
    mark_reviewed,
    record_interaction,
    reschedule,
    start,
)

__all__ = [
    "INTERACTION_LIFECYCLE",
    "INTERACTION_LIFECYCLE_DEFINITION",
    "PARTICIPANT_TYPES",
    "SUBJECT_TYPES",
    "Direction",
    "DueReminder",
    "DueReminders",
    "Interaction",
    "InteractionChanged",
    "InteractionCreated",
    "InteractionDraft",
    "InteractionKind",
    "InteractionRepository",
    "InteractionStatus",
    "InteractionStatusChanged",
    "Participant",
    "Reminder",
    "add_participant",
    "cancel",
    "change_subject",
    "complete",
    "create_interaction",
    "due_in",
    "due_reminders",
    "link_participant",
    "mark_reviewed",
    "record_interaction",
    "reschedule",
    "start",
]
