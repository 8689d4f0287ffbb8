"""Events of the agreements area: creation, edits, and every change of approval status."""

from __future__ import annotations

from typing import ClassVar

import attrs

from crmcore.events import DomainEvent
from crmcore.validation import bounded_text, checks, optional

__all__ = [
    "AgreementApproved",
    "AgreementChanged",
    "AgreementClosed",
    "AgreementCreated",
    "AgreementExpired",
    "AgreementRejected",
    "AgreementStatusChanged",
    "AgreementSubmitted",
]


@attrs.frozen(kw_only=True)
class AgreementCreated(DomainEvent):
    """An agreement was drafted; ``changes`` holds every field of it."""

    name: ClassVar[str] = "agreement.created"
    entity_type: ClassVar[str] = "agreement"
    action: ClassVar[str] = "created"


@attrs.frozen(kw_only=True)
class AgreementChanged(DomainEvent):
    """Fields of a draft agreement changed."""

    name: ClassVar[str] = "agreement.changed"
    entity_type: ClassVar[str] = "agreement"
    action: ClassVar[str] = "changed"


@attrs.frozen(kw_only=True)
class AgreementStatusChanged(DomainEvent):
    """The approval status changed; ``changes`` holds the old and new ``status`` and
    ``reason`` says why when a person gave a reason. The subclasses name each move."""

    name: ClassVar[str] = "agreement.status_changed"
    entity_type: ClassVar[str] = "agreement"
    action: ClassVar[str] = "status_changed"

    reason: str | None = attrs.field(
        default=None, metadata=checks(optional(bounded_text(2000, multiline=True)))
    )


@attrs.frozen(kw_only=True)
class AgreementSubmitted(AgreementStatusChanged):
    """A draft was sent for approval."""

    name: ClassVar[str] = "agreement.submitted"


@attrs.frozen(kw_only=True)
class AgreementApproved(AgreementStatusChanged):
    """The agreement was approved and is in force within its validity period."""

    name: ClassVar[str] = "agreement.approved"


@attrs.frozen(kw_only=True)
class AgreementRejected(AgreementStatusChanged):
    """The approver sent the agreement back to draft, with a reason."""

    name: ClassVar[str] = "agreement.rejected"


@attrs.frozen(kw_only=True)
class AgreementExpired(AgreementStatusChanged):
    """The validity period of an approved agreement ended."""

    name: ClassVar[str] = "agreement.expired"


@attrs.frozen(kw_only=True)
class AgreementClosed(AgreementStatusChanged):
    """The agreement was closed and will never apply again."""

    name: ClassVar[str] = "agreement.closed"
