"""Commands the agreements area hands to the host to execute: it never sends anything itself."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import ClassVar

import attrs

from crmcore.errors import Violation
from crmcore.ids import EntityRef
from crmcore.partners.contact_data import Email
from crmcore.validation import Model, bounded_text, checks, each, instance_of, optional

__all__ = ["BodyFormat", "EmailDraft"]


class BodyFormat(enum.Enum):
    """Whether a text is plain text or HTML."""

    TEXT = "text"
    HTML = "html"


def _recipients(field: str, value: object) -> Iterator[Violation]:
    yield from each(instance_of(Email))(field, value)
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="needs at least one recipient")


@attrs.frozen(kw_only=True)
class EmailDraft(Model):
    """An email for a person to review and send: recipients, subject, body, and documents
    attached by reference (the host renders or fetches them, e.g. ``quote:q-1``).

    ``regarding`` is what the email is about (the partner), so the host can file it as an
    interaction.
    """

    name: ClassVar[str] = "email.draft"

    to: tuple[Email, ...] = attrs.field(metadata=checks(_recipients))
    subject: str = attrs.field(metadata=checks(bounded_text(500)))
    body: str = attrs.field(metadata=checks(bounded_text(200_000, multiline=True)))
    body_format: BodyFormat = attrs.field(
        default=BodyFormat.TEXT, metadata=checks(instance_of(BodyFormat))
    )
    attachments: tuple[EntityRef, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(EntityRef)))
    )
    regarding: EntityRef | None = attrs.field(
        default=None, metadata=checks(optional(instance_of(EntityRef)))
    )
