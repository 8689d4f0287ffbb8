"""The audit trail's contract on the memory store, on SQLite and on PostgreSQL (when
``CRMCORE_TEST_POSTGRES_URL`` is set)."""

from __future__ import annotations

from access_stores import STORES

from crmcore.access import AuditTrail
from crmcore.memory import MemoryStore
from crmcore.memory.access import MemoryAuditTrail
from crmcore.sql import SqlStore
from crmcore.sql.access import SqlAuditTrail
from crmcore.testing.contracts import AuditTrailContract


class TestMemoryAuditTrail(AuditTrailContract):
    def make_repository(self) -> AuditTrail:
        return MemoryAuditTrail()


class TestSqliteAuditTrail(AuditTrailContract):
    def make_repository(self) -> AuditTrail:
        return SqlAuditTrail(SqlStore.sqlite(":memory:").database)


class TestPostgresAuditTrail(AuditTrailContract):
    def make_repository(self) -> AuditTrail:
        store = STORES[2]()
        assert isinstance(store, SqlStore)
        return SqlAuditTrail(store.database)


def test_a_failed_unit_of_work_takes_back_its_entries() -> None:
    store = MemoryStore()
    trail = MemoryAuditTrail()
    contract = TestMemoryAuditTrail()
    try:
        with store.unit_of_work():
            trail.append(contract.make_entry())
            raise RuntimeError("fail")
    except RuntimeError:
        pass
    assert trail.count() == 0
