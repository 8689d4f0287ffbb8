"""Typed ids of crmcore's entities and typed references between them.

Ids are strings chosen by the host (its primary keys) or made by :func:`new_id`. The
``NewType`` wrappers cost nothing at run time and let mypy catch a ``DealId`` passed where a
``PartnerId`` belongs.
"""

from __future__ import annotations

import uuid
from typing import NewType

import attrs

from crmcore.validation import Model, bounded_text, checks, identifier

__all__ = [
    "AgreementId",
    "ClaimId",
    "ContactPersonId",
    "DealId",
    "EntityRef",
    "InteractionId",
    "PartnerId",
    "PipelineId",
    "ProjectId",
    "RelationshipId",
    "RequestId",
    "RuleId",
    "TaskId",
    "UserId",
    "new_id",
]

PartnerId = NewType("PartnerId", str)
ContactPersonId = NewType("ContactPersonId", str)
RelationshipId = NewType("RelationshipId", str)
UserId = NewType("UserId", str)
DealId = NewType("DealId", str)
PipelineId = NewType("PipelineId", str)
InteractionId = NewType("InteractionId", str)
AgreementId = NewType("AgreementId", str)
ClaimId = NewType("ClaimId", str)
RequestId = NewType("RequestId", str)
RuleId = NewType("RuleId", str)
TaskId = NewType("TaskId", str)
ProjectId = NewType("ProjectId", str)


def new_id() -> str:
    """A new random id (a UUID4 in its 36-character text form).

    >>> len(new_id())
    36
    """
    return str(uuid.uuid4())


@attrs.frozen(kw_only=True)
class EntityRef(Model):
    """A typed reference to an entity of any area: ``EntityRef(entity_type="partner", ...)``.

    Used where one thing may point at several kinds of thing: a relationship between a
    partner and a contact person, a custom field of reference type, a deal's linked documents.
    """

    entity_type: str = attrs.field(metadata=checks(bounded_text(64)))
    entity_id: str = attrs.field(metadata=checks(identifier))

    def __str__(self) -> str:
        return f"{self.entity_type}:{self.entity_id}"
