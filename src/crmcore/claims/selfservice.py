"""Self-service intake: a claim registered from a public web form, whatever the form sends.

The payload is untrusted: :func:`register_claim_from_form` reads it through a
:class:`crmcore.intake.IntakeForm` (types, lengths, allowed fields, cleaned text, contact
data), then registers the claim. It returns the registered claim, or raises one
:class:`~crmcore.errors.DomainValidationError` listing every problem by field; nothing else
escapes and nothing is created on rejection.

>>> from datetime import datetime, timezone
>>> from crmcore.ids import ClaimId
>>> now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> outcome = register_claim_from_form(
...     {"name": "Anna Petrova", "email": "anna@example.com", "essence": "Crate broken"},
...     claim_id=ClaimId("c-1"), now=now, settings=ClaimSettings())
>>> outcome.entity.channel.value, str(outcome.entity.claimant.email)
('self_service', 'anna@example.com')
>>> register_claim_from_form({"name": "<script>", "email": "x@", "essence": 7, "admin": 1},
...     claim_id=ClaimId("c-2"), now=now, settings=ClaimSettings())
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: admin: is not a known field; email: has a malformed
domain after the @ (got 'x@'); essence: must be a string (got 7)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from crmcore.claims.kinds import ClaimChannel, DocumentKind
from crmcore.claims.model import Attachment, Claim, Claimant, LinkedDocument, valid_media_type
from crmcore.claims.services import ClaimDraft, register_claim
from crmcore.claims.settings import ClaimSettings
from crmcore.errors import DomainValidationError, Violation
from crmcore.events import Outcome
from crmcore.ids import ClaimId
from crmcore.intake import (
    ChoiceField,
    FieldReader,
    IntakeForm,
    IntegerField,
    ListField,
    NestedField,
    ParsedField,
    TextField,
)
from crmcore.partners import Email, PartnerRole, Phone
from crmcore.validation import Model, checks, each, int_at_most

__all__ = ["ClaimFormLimits", "claim_form", "register_claim_from_form"]

_MEDIA_TYPES: Final = frozenset({
    "application/pdf", "image/jpeg", "image/png", "image/heic", "image/webp", "text/plain",
    "video/mp4", "video/quicktime", "application/zip",
})  # fmt: skip
_ROLES: Final = {role.value: role for role in PartnerRole}


@attrs.frozen(kw_only=True)
class ClaimFormLimits(Model):
    """How much a public claim form accepts; text limits stay within the claim's own."""

    name: int = attrs.field(default=200, metadata=checks(int_at_most(200)))
    essence: int = attrs.field(default=5000, metadata=checks(int_at_most(5000)))
    requested_outcome: int = attrs.field(default=2000, metadata=checks(int_at_most(5000)))
    reasons: int = attrs.field(default=10, metadata=checks(int_at_most(100)))
    documents: int = attrs.field(default=10, metadata=checks(int_at_most(100)))
    attachments: int = attrs.field(default=10, metadata=checks(int_at_most(100)))
    attachment_size: int = attrs.field(default=25 * 2**20, metadata=checks(int_at_most(2**40)))
    media_types: frozenset[str] = attrs.field(
        default=_MEDIA_TYPES, metadata=checks(each(valid_media_type, container=frozenset))
    )


def claim_form(settings: ClaimSettings, limits: ClaimFormLimits) -> IntakeForm:
    """The public claim form for ``settings`` (its reasons and claim types) and ``limits``."""
    document = IntakeForm(
        fields={
            "kind": ChoiceField(choices={kind.value: kind for kind in DocumentKind}),
            "number": TextField(max_length=64),
        }
    )
    attachment = IntakeForm(
        fields={
            "name": TextField(max_length=255),
            "media_type": ChoiceField(choices={t: t for t in limits.media_types}),
            "size": IntegerField(maximum=limits.attachment_size),
        }
    )
    reasons = ChoiceField(choices={r.code: r.code for r in settings.reasons.reasons})
    fields: dict[str, FieldReader] = {
        "name": TextField(max_length=limits.name),
        "email": ParsedField(parse=Email.parse, required=False),
        "phone": ParsedField(parse=Phone.parse, max_length=64, required=False),
        "role": ChoiceField(choices=_ROLES, required=False),
        "essence": TextField(max_length=limits.essence, multiline=True),
        "requested_outcome": TextField(
            max_length=limits.requested_outcome, multiline=True, required=False
        ),
        "reasons": ListField(item=reasons, max_items=limits.reasons, required=False),
        "documents": ListField(
            item=NestedField(form=document), max_items=limits.documents, required=False
        ),
        "attachments": ListField(
            item=NestedField(form=attachment), max_items=limits.attachments, required=False
        ),
    }
    if settings.claim_types:
        types = {code: code for code in settings.claim_types}
        fields["claim_type"] = ChoiceField(choices=types, required=False)
    return IntakeForm(fields=fields)


def register_claim_from_form(
    payload: Mapping[str, object],
    *,
    claim_id: ClaimId,
    now: datetime,
    settings: ClaimSettings,
    limits: ClaimFormLimits | None = None,
) -> Outcome[Claim]:
    """A claim registered from the untrusted ``payload`` of a public form.

    Raises :class:`DomainValidationError` listing every problem by field; nothing else.
    """
    form = claim_form(settings, limits or ClaimFormLimits())
    values, found = form.read_with_violations(payload)
    if not found and "email" not in values and "phone" not in values:
        found.append(Violation(field="email", message="or a phone is needed to answer the claim"))
    if found:
        raise DomainValidationError(found)
    return register_claim(_draft(values), claim_id=claim_id, now=now, settings=settings)


def _draft(values: Mapping[str, Any]) -> ClaimDraft:
    claimant = Claimant(
        role=values.get("role", PartnerRole.CLIENT),
        name=values["name"],
        email=values.get("email"),
        phone=values.get("phone"),
    )
    documents = [LinkedDocument(**document) for document in values.get("documents", ())]
    attachments = [Attachment(**a) for a in values.get("attachments", ())]
    return ClaimDraft(
        claimant=claimant,
        essence=values["essence"],
        channel=ClaimChannel.SELF_SERVICE,
        claim_type=values.get("claim_type"),
        reasons=tuple(values.get("reasons", ())),
        linked_documents=documents,
        attachments=attachments,
        requested_outcome=values.get("requested_outcome"),
    )
