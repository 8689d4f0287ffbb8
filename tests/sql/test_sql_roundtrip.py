"""Every model comes back from the database equal to what went in, on every backend; moments
keep their instant across offsets, in values and in range queries.

Each example runs in a unit of work that is then rolled back, so that one store serves a
whole test and the examples cannot see each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sql_backends import BACKENDS, Backend
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from crmcore.app import OutboxMessage, Repositories
from crmcore.deals import TYPICAL_SALE, DealStatus, StageChange
from crmcore.errors import DomainValidationError
from crmcore.ids import DealId, PartnerId
from crmcore.money import Money
from crmcore.sql import SqlStore
from crmcore.sql.types import Moment
from crmcore.testing import strategies as crm
from crmcore.testing.strategies import aware_datetimes, identifiers

EXAMPLES = settings(max_examples=12, database=None)


class RolledBackError(Exception):
    """Raised at the end of each example to roll its unit of work back."""


@pytest.fixture(params=BACKENDS, ids=[backend.name for backend in BACKENDS])
def store(request: pytest.FixtureRequest) -> SqlStore:
    backend: Backend = request.param
    return backend.store()


def _form(store: SqlStore, value: object) -> object:
    return store.database.converter.unstructure(value)


def _rolled_back(store: SqlStore, check: Callable[[Repositories], None]) -> None:
    def run() -> None:
        with store.unit_of_work() as repositories:
            check(repositories)
            raise RolledBackError

    with pytest.raises(RolledBackError):
        run()


def _versioned(name: str) -> Callable[[Repositories, Any], Any]:
    def store_and_read(repositories: Repositories, entity: Any) -> Any:
        repository = getattr(repositories, name)
        repository.add(entity)
        return repository.get(entity.id)

    return store_and_read


def _stage_change(repositories: Repositories, change: StageChange) -> StageChange:
    repositories.stage_log.append(change)
    (read,) = repositories.stage_log.of_deal(change.deal_id)
    return read


def _past_sale(repositories: Repositories, sale: Any) -> Any:
    partner = PartnerId("p-1")
    repositories.sales_history.record(
        partner, sale.product, sale.price, sold_on=sale.sold_on, document=sale.document
    )
    return repositories.sales_history.last_sales(partner, (sale.product,), until=sale.sold_on)[
        sale.product
    ]


def _price(repositories: Repositories, price: Money) -> Money | None:
    repositories.prices.set("wholesale", "tea", price, since=date(2026, 1, 1))
    return repositories.prices.price("wholesale", "tea", date(2026, 1, 1))


@st.composite
def _outbox_messages(draw: st.DrawFn) -> OutboxMessage:
    return OutboxMessage(
        id=draw(identifiers()),
        command=draw(crm.commands()),
        created_at=draw(aware_datetimes()),
        attempts=draw(st.integers(min_value=0, max_value=9)),
        sent_at=draw(st.none() | aware_datetimes()),
        version=draw(st.integers(min_value=1, max_value=100)),
    )


MODELS: dict[str, tuple[st.SearchStrategy[Any], Callable[[Repositories, Any], Any]]] = {
    "partner": (crm.partners(), _versioned("partners")),
    "contact_person": (crm.contact_persons(), _versioned("contact_persons")),
    "relationship": (crm.relationships(), _versioned("relationships")),
    "pipeline": (crm.pipelines(), _versioned("pipelines")),
    "deal": (crm.deals(), _versioned("deals")),
    "stage_change": (crm.stage_changes(), _stage_change),
    "interaction": (crm.interactions(), _versioned("interactions")),
    "agreement": (crm.agreements(), _versioned("agreements")),
    "claim": (crm.claims(), _versioned("claims")),
    "request": (crm.requests(), _versioned("requests")),
    "rule": (crm.rules(), _versioned("rules")),
    "outbox_message": (_outbox_messages(), _versioned("outbox")),
    "past_sale": (crm.past_sales(), _past_sale),
    "price": (crm.money(min_value=0), _price),
}


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_model_round_trips_through_the_database(store: SqlStore, model: str) -> None:
    strategy, store_and_read = MODELS[model]

    @EXAMPLES
    @given(entity=strategy)
    def round_trip(entity: Any) -> None:
        def check(repositories: Repositories) -> None:
            read = store_and_read(repositories, entity)
            # Compared in JSON form, as the converter's own round-trip test does: a local time
            # that a zone repeats at a clock change is not equal to itself across zones in
            # Python, though it names the same instant.
            assert type(read) is type(entity)
            assert _form(store, read) == _form(store, entity)

        _rolled_back(store, check)

    round_trip()


def test_a_moment_comes_back_as_the_same_instant(store: SqlStore) -> None:
    @EXAMPLES
    @given(moment=aware_datetimes())
    def same_instant(moment: datetime) -> None:
        def check(repositories: Repositories) -> None:
            repositories.ticks.advance(moment)
            watermark = repositories.ticks.watermark()
            assert watermark is not None
            assert watermark.timestamp() == moment.timestamp()

        _rolled_back(store, check)

    same_instant()


def test_range_queries_compare_instants_not_local_times(store: SqlStore) -> None:
    strategy = st.lists(aware_datetimes(), min_size=1, max_size=6, unique=True)

    @EXAMPLES
    @given(moments=strategy, start=aware_datetimes(), length=st.integers(0, 10**6))
    def in_range(moments: list[datetime], start: datetime, length: int) -> None:
        end = start + timedelta(minutes=length)

        def check(repositories: Repositories) -> None:
            changes = [_change(f"d-{number}", at) for number, at in enumerate(moments, start=1)]
            for change in changes:
                repositories.stage_log.append(change)
            instants = {c.deal_id: c.at.timestamp() for c in changes}
            inside = [d for d, at in instants.items() if start.timestamp() <= at < end.timestamp()]
            expected = sorted(inside, key=lambda deal_id: (instants[deal_id], deal_id))
            found = repositories.stage_log.between(start, end)
            assert [change.deal_id for change in found] == expected

        _rolled_back(store, check)

    in_range()


def _change(deal_id: str, at: datetime) -> StageChange:
    return StageChange(
        deal_id=DealId(deal_id),
        pipeline_id=TYPICAL_SALE.id,
        to_stage="first_contact",
        status=DealStatus.OPEN,
        at=at,
        version=1,
    )


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_a_missing_moment_stays_missing(dialect: Dialect) -> None:
    assert Moment().process_bind_param(None, dialect) is None
    assert Moment().process_result_value(None, dialect) is None


def test_the_stage_log_refuses_what_is_not_a_stage_change(store: SqlStore) -> None:
    with pytest.raises(DomainValidationError) as raised:
        store.repositories.stage_log.append("d-1@1")  # type: ignore[arg-type]
    assert raised.value.field == "change"
    assert store.repositories.stage_log.count() == 0
