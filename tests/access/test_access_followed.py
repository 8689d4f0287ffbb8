"""Records without people of their own under the access policy: contact persons follow
their partner's scope, relationships their source's; pipelines need a scope of ``all``;
projects are their manager's; deleting a relationship needs the ``delete`` right."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from access_samples import NOW, extended_policy, partner, policy

from crmcore.app import CRM, Settings
from crmcore.app.commands import (
    AddContactPerson,
    AddPipeline,
    EditContactPerson,
    LinkRelationship,
    StartProject,
    UnlinkRelationship,
)
from crmcore.app.guard import KIND_OF_REPOSITORY
from crmcore.deals.builtin import MANUAL_SALE
from crmcore.errors import AccessDeniedError
from crmcore.ids import EntityRef, PipelineId, UserId
from crmcore.partners import ContactPersonDraft
from crmcore.tasks import PlanStep, ProjectPlan

PLAN = ProjectPlan(
    id="onboarding",
    name="Onboarding",
    steps=(
        PlanStep(id="contract", title="Sign the contract"),
        PlanStep(id="delivery", title="First delivery", offset_days=2, assignee=UserId("boris")),
    ),
)


def _person(crm: CRM, partner_id: str, *, actor: str, person_id: str) -> Any:
    command = AddContactPerson(
        partner_id=partner_id, draft=ContactPersonDraft(name="Petr"), contact_person_id=person_id
    )
    return crm.execute(command, actor=actor, now=NOW).result


def _ref(partner_id: str) -> EntityRef:
    return EntityRef(entity_type="partner", entity_id=partner_id)


def _link(
    crm: CRM, source: str, target: str, *, actor: str, link_id: str, kind: str = "partner_of"
) -> Any:
    command = LinkRelationship(
        kind=kind, source=_ref(source), target=_ref(target), relationship_id=link_id
    )
    return crm.execute(command, actor=actor, now=NOW).result


def test_a_contact_person_follows_its_partners_scope() -> None:
    crm = CRM.in_memory(policy=policy())
    annas, boriss = partner(crm, manager="anna"), partner(crm, manager="boris", name="Lutik")
    _person(crm, annas, actor="anna", person_id="cp-1")
    crm.execute(
        EditContactPerson(contact_person_id="cp-1", changes={"position": "Buyer"}),
        actor="anna",
        now=NOW,
    )
    with pytest.raises(AccessDeniedError) as caught:
        _person(crm, boriss, actor="anna", person_id="cp-2")
    assert (caught.value.action, caught.value.entity_type) == ("create", "contact_person")
    _person(crm, boriss, actor="boris", person_id="cp-3")
    assert [p.id for p in crm.partner_view(annas, actor="anna").contact_persons] == ["cp-1"]
    # Anna reads every partner, but the contact persons of Boris's only Boris and the head.
    assert crm.partner_view(boriss, actor="anna").contact_persons == ()
    assert [p.id for p in crm.partner_view(boriss, actor="olga").contact_persons] == ["cp-3"]
    with pytest.raises(AccessDeniedError):
        crm.get("contact_person", "cp-3", actor="anna")


def test_a_relationship_follows_its_source_and_is_deleted_with_the_right() -> None:
    crm = CRM.in_memory(policy=extended_policy())
    annas, boriss = partner(crm, manager="anna"), partner(crm, manager="boris", name="Lutik")
    _link(crm, annas, boriss, actor="anna", link_id="r-1")
    with pytest.raises(AccessDeniedError) as caught:
        _link(crm, boriss, annas, actor="anna", link_id="r-2")
    assert (caught.value.action, caught.value.entity_type) == ("create", "relationship")
    _link(crm, boriss, annas, actor="boris", link_id="r-3", kind="dealer_of")
    assert [r.id for r in crm.partner_view(annas, actor="anna").relationships] == ["r-1"]
    assert [r.id for r in crm.partner_view(annas, actor="olga").relationships] == ["r-1", "r-3"]
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(UnlinkRelationship(relationship_id="r-3"), actor="anna", now=NOW)
    assert (caught.value.action, caught.value.entity_id) == ("delete", "r-3")
    assert len(crm.partner_view(annas, actor="carl").relationships) == 2
    crm.execute(UnlinkRelationship(relationship_id="r-1"), actor="anna", now=NOW)
    assert [r.id for r in crm.partner_view(annas, actor="carl").relationships] == ["r-3"]


def test_deleting_needs_the_delete_right_even_of_ones_own_records() -> None:
    crm = CRM.in_memory(policy=policy())
    annas, boriss = partner(crm, manager="anna"), partner(crm, manager="boris", name="Lutik")
    _link(crm, annas, boriss, actor="anna", link_id="r-1")
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(UnlinkRelationship(relationship_id="r-1"), actor="anna", now=NOW)
    assert caught.value.action == "delete"
    assert [r.id for r in crm.partner_view(annas, actor="anna").relationships] == ["r-1"]


def test_a_pipeline_is_stored_only_by_those_who_reach_every_record() -> None:
    crm = CRM.in_memory(policy=policy())
    stored = attrs.evolve(MANUAL_SALE, id=PipelineId("custom_sale"))
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(AddPipeline(pipeline=stored), actor="anna", now=NOW)
    assert (caught.value.action, caught.value.entity_type) == ("create", "pipeline")
    assert crm.execute(AddPipeline(pipeline=stored), actor="carl", now=NOW).result == stored


def test_a_project_is_its_managers_and_audited_as_a_project() -> None:
    crm = CRM.in_memory(policy=policy(), settings=Settings(project_plans=(PLAN,)))
    assert KIND_OF_REPOSITORY["projects"] == "project"
    command = StartProject(plan_id="onboarding", project_id="p-1", manager="anna")
    with pytest.raises(AccessDeniedError) as caught:
        crm.execute(command, actor="boris", now=NOW)
    assert (caught.value.action, caught.value.entity_type) == ("create", "project")
    crm.execute(command, actor="carl", now=NOW)
    project, progress = crm.project("p-1", now=NOW, actor="anna")
    assert (project.manager, progress.open) == ("anna", 1)
    _, seen = crm.project("p-1", now=NOW, actor="olga")
    assert seen.open == 2
    with pytest.raises(AccessDeniedError):
        crm.project("p-1", now=NOW, actor="boris")
    history = crm.history(EntityRef(entity_type="project", entity_id="p-1"), actor="anna")
    assert [(entry.entity_type, entry.actor) for entry in history] == [("project", "carl")]
