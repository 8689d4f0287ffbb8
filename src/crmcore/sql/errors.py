"""The errors of the SQL store: what a database failure becomes before it leaves the store.

Only crmcore's own errors leave :mod:`crmcore.sql`. A conflict between concurrent writers
that the database detects itself (a PostgreSQL serialization failure or deadlock, an SQLite
database locked for longer than the busy timeout) is a :class:`TransactionConflictError`, a
:class:`~crmcore.errors.ConcurrencyConflictError` that the application retries like a lost
optimistic lock; anything else is a :class:`StorageError`.
"""

from __future__ import annotations

from crmcore.errors import ConcurrencyConflictError, RepositoryError

__all__ = ["StorageError", "TransactionConflictError"]


class StorageError(RepositoryError):
    """The database failed for a reason that is not a crmcore condition (connection lost,
    disk full, a schema that is not upgraded, ...).

    ``operation`` says what the store was doing, ``code`` is the database's error code
    (the PostgreSQL SQLSTATE or the SQLite error name) when it gave one; the driver's error
    is the ``__cause__``.
    """

    def __init__(self, operation: str, *, code: str | None, detail: str) -> None:
        self.operation = operation
        self.code = code
        self.detail = detail
        shown_code = f" [{code}]" if code else ""
        RepositoryError.__init__(self, f"the database could not {operation}{shown_code}: {detail}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_storage_error, (self.operation, self.code, self.detail))


class TransactionConflictError(ConcurrencyConflictError):
    """The database stopped a transaction because a concurrent one changed the same data:
    repeat the whole unit of work.

    It is a :class:`~crmcore.errors.ConcurrencyConflictError` whose ``entity_type`` is
    ``"transaction"`` and whose ``entity_id`` is the operation; the versions are unknown and
    given as 0.
    """

    def __init__(self, operation: str, *, code: str | None, detail: str) -> None:
        self.operation = operation
        self.code = code
        self.detail = detail
        super().__init__("transaction", operation, expected_version=0, actual_version=0)
        RepositoryError.__init__(
            self,
            f"a concurrent transaction conflicted while the store tried to {operation}"
            f" [{code}]: {detail}; repeat the unit of work",
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (_conflict_error, (self.operation, self.code, self.detail))


def _storage_error(operation: str, code: str | None, detail: str) -> StorageError:
    return StorageError(operation, code=code, detail=detail)


def _conflict_error(operation: str, code: str | None, detail: str) -> TransactionConflictError:
    return TransactionConflictError(operation, code=code, detail=detail)
