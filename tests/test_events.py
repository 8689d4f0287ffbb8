"""Domain events and their changes: JSON-ready snapshots, aware timestamps, valid ids."""

import enum
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings

from crmcore.errors import DomainValidationError
from crmcore.events import Change, DomainEvent, Outcome, changes_between, primitive
from crmcore.money import Money
from crmcore.partners.events import (
    ContactPersonAdded,
    PartnerChanged,
    PartnerRegistered,
    RelationshipUnlinked,
)
from crmcore.partners.model import Partner
from crmcore.testing.strategies import changes, domain_events, partners

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Colour(enum.Enum):
    """An enum whose values are primitives themselves."""

    RED = "red"


@attrs.frozen
class Card:
    """A plain attrs class, as events snapshot them."""

    title: str
    price: Money
    tags: frozenset[str]


def test_primitive_turns_domain_values_into_json_ready_ones() -> None:
    card = Card(title="a", price=Money.of("10.50", "RUB"), tags=frozenset({"b", "a"}))
    assert primitive(card) == {
        "title": "a",
        "price": {"amount": "10.50", "currency": "RUB"},
        "tags": ["a", "b"],
    }
    assert primitive(Decimal("1.10")) == "1.10"
    assert primitive(NOW) == "2026-03-01T12:00:00+00:00"
    assert primitive(date(2026, 3, 1)) == "2026-03-01"
    assert primitive(Colour.RED) == "red"
    assert primitive((1, [None, True])) == [1, [None, True]]
    assert primitive({1: "a"}) == {"1": "a"}


def test_primitive_refuses_what_it_cannot_represent() -> None:
    with pytest.raises(TypeError, match="float"):
        primitive(1.5)


@settings(max_examples=30)
@given(partners())
def test_every_partner_has_a_primitive_form_a_change_accepts(partner: Partner) -> None:
    form = primitive(partner)
    assert Change(old=None, new=form).new == form


@pytest.mark.parametrize(
    "value", [1.5, Decimal(1), (1, 2), {1: "a"}, {"a": {1, 2}}, NOW, Money.of("1", "RUB")]
)
def test_a_change_holds_only_primitives(value: object) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Change(old=value, new=value)
    assert caught.value.fields == ("old", "new")


@given(changes())
def test_drawn_changes_are_valid(change: Change) -> None:
    assert attrs.evolve(change) == change


def test_changes_between_reports_only_the_fields_that_differ() -> None:
    old = Card(title="a", price=Money.of("1", "RUB"), tags=frozenset())
    new = attrs.evolve(old, title="b")
    assert changes_between(old, new) == {"title": Change(old="a", new="b")}
    assert changes_between(old, old) == {}
    assert changes_between(old, new, ignore=frozenset({"title"})) == {}


def test_a_creation_reports_every_field_but_the_version() -> None:
    found = changes_between(None, Card(title="a", price=Money.of("1", "RUB"), tags=frozenset()))
    assert set(found) == {"title", "price", "tags"}
    assert all(change.old is None for change in found.values())


def test_an_event_reports_every_bad_field_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        PartnerChanged(
            entity_id="bad id",
            occurred_at=datetime(2026, 3, 1),
            changes={"short_name": {"old": "a"}},  # type: ignore[dict-item]
            actor="",
        )
    assert caught.value.fields == ("entity_id", "occurred_at", "changes.short_name", "actor")


@pytest.mark.parametrize("value", [[("a", Change())], {1: Change()}])
def test_changes_map_field_names_to_changes(value: object) -> None:
    with pytest.raises(DomainValidationError) as caught:
        DomainEvent(entity_id="e-1", occurred_at=NOW, changes=value)  # type: ignore[arg-type]
    assert caught.value.fields == ("changes",)


def test_events_name_themselves() -> None:
    assert (PartnerRegistered.name, PartnerRegistered.entity_type, PartnerRegistered.action) == (
        "partner.registered",
        "partner",
        "created",
    )
    assert ContactPersonAdded.entity_type == "contact_person"
    assert RelationshipUnlinked.action == "deleted"
    assert not PartnerRegistered(entity_id="p-1", occurred_at=NOW).duplicate_check_overridden


@given(domain_events())
def test_drawn_events_are_valid_and_aware(event: DomainEvent) -> None:
    assert attrs.evolve(event) == event
    assert event.occurred_at.utcoffset() is not None


def test_an_outcome_holds_the_entity_and_its_events() -> None:
    event = PartnerChanged(entity_id="p-1", occurred_at=NOW)
    assert Outcome(entity="state").events == ()
    assert Outcome(entity="state", events=(event,)).events == (event,)
