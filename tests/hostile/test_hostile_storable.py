"""What the domain accepts, every shipped store stores: partners read from hostile payloads,
and partners drawn with wide values (non-ASCII text, custom values of every type), are
added to the memory store, to SQLite and, when ``CRMCORE_TEST_POSTGRES_URL`` names one, to a
PostgreSQL server, and read back equal."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcore.errors import CRMError, DomainValidationError
from crmcore.ids import PartnerId, new_id
from crmcore.memory import MemoryStore
from crmcore.partners import Partner
from crmcore.serialization import make_converter
from crmcore.sql import SqlStore
from crmcore.testing.hostile import entry_point
from crmcore.testing.strategies import partners

CONVERTER = make_converter()
STORING = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_POSTGRES = os.environ.get("CRMCORE_TEST_POSTGRES_URL")


def _stores() -> Iterator[tuple[str, Callable[[], Any]]]:
    yield "memory", MemoryStore
    yield "sqlite", SqlStore.sqlite
    if _POSTGRES:
        yield "postgres", lambda: SqlStore.from_url(_POSTGRES, upgrade=True)


@pytest.fixture(scope="module", params=[name for name, _ in _stores()])
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    opened = dict(_stores())[request.param]()
    yield opened
    close = getattr(opened, "close", None)
    if close is not None:
        close()


def _read(payload: object) -> Partner | None:
    try:
        partner: Partner = CONVERTER.structure(payload, Partner)
    except CRMError:
        return None
    return partner


def _stored_and_read_back(store: Any, partner: Partner) -> Partner:
    # A new id each time: the store is shared by the examples of one test.
    partner = attrs.evolve(partner, id=PartnerId(f"p-{new_id()}"))
    with store.unit_of_work() as repositories:
        repositories.partners.add(partner)
    with store.unit_of_work() as repositories:
        read: Partner = repositories.partners.get(partner.id)
    assert read == partner
    return read


@STORING
@given(data=st.data())
def test_a_partner_read_from_a_hostile_payload_is_stored_and_read_back(
    store: Any, data: st.DataObject
) -> None:
    entry = entry_point("stored_partner")
    payload = data.draw(st.just(entry.valid) | entry.payloads, label="payload")
    partner = _read(payload)
    if partner is not None:
        _stored_and_read_back(store, partner)


@STORING
@given(partner=partners())
def test_a_partner_drawn_with_wide_values_is_stored_and_read_back(
    store: Any, partner: Partner
) -> None:
    _stored_and_read_back(store, partner)


@pytest.mark.parametrize(
    "value", [10**5000, "a\ud800b", "nul\x00", 2**63], ids=["huge", "surrogate", "nul", "2**63"]
)
def test_a_custom_value_no_store_can_hold_is_refused_by_the_domain(value: object) -> None:
    payload = {**entry_point("stored_partner").valid, "custom": {"note": value}}
    with pytest.raises(DomainValidationError) as refused:
        CONVERTER.structure(payload, Partner)
    assert all(field.startswith("custom") for field in refused.value.fields)
