"""The SQL rotation pointers and partner change log against their contracts, on SQLite in
memory, an SQLite file and PostgreSQL, and their writes undone with a failed unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sql_backends import BACKENDS, Backend, logged_repositories

from crmcore.ids import PartnerId, UserId
from crmcore.partners import Partner, PartnerKind, PartnerRole
from crmcore.sql import (
    SqlRotationPointers,
    SqlStore,
)
from crmcore.testing.contracts import (
    PartnerChangeLogContract,
    RotationPointersContract,
)


def _partner(partner_id: str) -> Partner:
    return Partner(
        id=PartnerId(partner_id),
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}),
        short_name="Ромашка",
        created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )


for _backend in BACKENDS:
    for _contract, _method, _repository in (
        (RotationPointersContract, "make_pointers", SqlRotationPointers),
        (PartnerChangeLogContract, "make_logged", logged_repositories),
    ):
        _class = _backend.suite(_contract, _repository, module=__name__, method=_method)
        globals()[_class.__name__] = _class
del _class


def _move_add_then_fail(store: SqlStore) -> None:
    with store.unit_of_work() as repositories:
        assert repositories.rotation is not None
        repositories.rotation.move("sales", UserId("boris"), expected=UserId("anna"))
        repositories.partners.add(_partner("p-1"))
        raise RuntimeError("the command failed")


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_a_failed_unit_of_work_takes_its_moves_and_changes_back(backend: Backend) -> None:
    store = backend.store()
    with store.unit_of_work() as repositories:
        assert repositories.rotation is not None
        repositories.rotation.move("sales", UserId("anna"), expected=None)
        repositories.partners.add(_partner("p-0"))
    with pytest.raises(RuntimeError):
        _move_add_then_fail(store)
    with store.unit_of_work() as repositories:
        assert repositories.rotation is not None
        assert repositories.partner_changes is not None
        assert dict(repositories.rotation.pointers()) == {"sales": "anna"}
        assert [c.record_id for c in repositories.partner_changes.since(0)] == ["p-0"]
