"""Which records a query may return: the access scope the repositories filter by.

The access policy (:mod:`crmcore.access`) turns an actor's rights into an
:class:`AccessScope`, a set of access keys; every record has its own keys (its responsible
user, its co-executors, its department), and a record is in the scope when the two sets
meet. Repositories take the scope as a plain value, so that a store can push it into its
query (the SQL store into the ``WHERE`` clause) without knowing the policy.

>>> scope = AccessScope(keys=frozenset({responsible_key("u-anna"), department_key("sales")}))
>>> scope.admits({responsible_key("u-boris"), department_key("sales")})
True
>>> scope.admits({responsible_key("u-boris")})
False
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import attrs

__all__ = [
    "AccessScope",
    "admits",
    "co_executor_key",
    "department_key",
    "responsible_key",
]


def responsible_key(user: str) -> str:
    """The access key of the records ``user`` is responsible for."""
    return f"responsible:{user}"


def co_executor_key(user: str) -> str:
    """The access key of the records ``user`` works on as a co-executor."""
    return f"co_executor:{user}"


def department_key(department: str) -> str:
    """The access key of the records that belong to ``department`` themselves."""
    return f"department:{department}"


@attrs.frozen
class AccessScope:
    """The records whose access keys meet :attr:`keys`; an empty scope admits nothing.

    A query given no scope (``None``) is not restricted at all.
    """

    keys: frozenset[str]

    def admits(self, keys: Collection[str]) -> bool:
        """Whether a record with these access keys is in the scope."""
        return not self.keys.isdisjoint(keys)


def admits(scope: AccessScope | None, keys: Iterable[str]) -> bool:
    """Whether a record with these access keys is in ``scope`` (``None`` admits every one)."""
    return scope is None or scope.admits(frozenset(keys))
