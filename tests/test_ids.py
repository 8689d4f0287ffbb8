"""Ids and typed references between entities."""

import uuid

import attrs
import pytest
from hypothesis import given

from crmcore.errors import DomainValidationError
from crmcore.ids import EntityRef, new_id
from crmcore.testing.strategies import entity_refs
from crmcore.validation import identifier


def test_new_ids_are_distinct_uuids_that_pass_as_identifiers() -> None:
    made = {new_id() for _ in range(1000)}
    assert len(made) == 1000
    for value in made:
        assert str(uuid.UUID(value)) == value
        assert list(identifier("id", value)) == []


def test_a_reference_reads_as_type_and_id() -> None:
    assert str(EntityRef(entity_type="partner", entity_id="p-1")) == "partner:p-1"


def test_a_reference_reports_both_bad_parts_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        EntityRef(entity_type=" ", entity_id="not an id")
    assert caught.value.fields == ("entity_type", "entity_id")


def test_references_compare_by_value() -> None:
    ref = EntityRef(entity_type="deal", entity_id="d-1")
    assert ref == EntityRef(entity_type="deal", entity_id="d-1")
    assert ref != EntityRef(entity_type="partner", entity_id="d-1")
    assert len({ref, EntityRef(entity_type="deal", entity_id="d-1")}) == 1


@given(entity_refs())
def test_drawn_references_are_valid(ref: EntityRef) -> None:
    assert attrs.evolve(ref) == ref
    assert str(ref) == f"{ref.entity_type}:{ref.entity_id}"
