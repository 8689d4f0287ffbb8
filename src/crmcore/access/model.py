"""The access policy as data: departments with heads, users, roles and their permissions.

A :class:`Permission` lets the holders of a role do one :class:`Action` on one kind of record
(``"deal"``, ``"claim"``, ... or ``"*"`` for every kind) within a :class:`Scope`; a
:class:`SensitiveField` hides a field on read and refuses its change unless a role grants
its right. The policy decides; it never loads or stores (see :mod:`crmcore.access.policy`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Final

import attrs

from crmcore.errors import Violation
from crmcore.ids import UserId
from crmcore.validation import (
    Check,
    Model,
    checks,
    each,
    identifier,
    instance_of,
    invariant,
    optional,
    unique,
)

__all__ = [
    "ANY_KIND",
    "AccessPolicy",
    "Action",
    "Department",
    "Permission",
    "Role",
    "Scope",
    "SensitiveField",
    "User",
]

ANY_KIND: Final = "*"
"""The kind of record a permission names to apply to every kind."""
MAX_ENTRIES: Final = 10_000
"""The most departments, users or roles one policy holds."""


class Action(enum.Enum):
    """What an actor does with a record."""

    READ = "read"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    RUN_REPORTS = "run_reports"


class Scope(enum.Enum):
    """Which records a permission reaches, from the narrowest to the widest."""

    OWN = "own"
    """The records the user is responsible for."""
    CO_EXECUTOR = "co_executor"
    """The records the user works on as a co-executor."""
    DEPARTMENT = "department"
    """The records of the user's departments (their own and those they head)."""
    DEPARTMENT_AND_BELOW = "department_and_below"
    """The records of the user's departments and of every department under them."""
    ALL = "all"
    """Every record."""


def _kind(field: str, value: object) -> Iterator[Violation]:
    if value != ANY_KIND:
        yield from identifier(field, value)


@attrs.frozen(kw_only=True)
class Department(Model):
    """A department, under ``parent`` if it has one, led by ``head``."""

    id: str = attrs.field(metadata=checks(identifier))
    parent: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    head: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))


@attrs.frozen(kw_only=True)
class User(Model):
    """A user of the CRM: their department and roles."""

    id: UserId = attrs.field(metadata=checks(identifier))
    department: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    roles: frozenset[str] = attrs.field(
        default=frozenset(),
        metadata=checks(each(identifier, container=frozenset)),
    )


@attrs.frozen(kw_only=True)
class Permission(Model):
    """Doing ``action`` on the records of ``kind`` within ``scope``."""

    kind: str = attrs.field(metadata=checks(_kind))
    action: Action = attrs.field(metadata=checks(instance_of(Action)))
    scope: Scope = attrs.field(default=Scope.OWN, metadata=checks(instance_of(Scope)))


@attrs.frozen(kw_only=True)
class Role(Model):
    """A set of permissions and of the rights that sensitive fields ask for."""

    id: str = attrs.field(metadata=checks(identifier))
    permissions: tuple[Permission, ...] = attrs.field(
        default=(), metadata=checks(each(instance_of(Permission)))
    )
    rights: frozenset[str] = attrs.field(
        default=frozenset(),
        metadata=checks(each(identifier, container=frozenset)),
    )


@attrs.frozen(kw_only=True)
class SensitiveField(Model):
    """A field of a kind of record (bank accounts, a deal's amount, an agreement's prices)
    that only the holders of ``right`` read and change: hidden on read (its default shown
    instead), refused on change."""

    kind: str = attrs.field(metadata=checks(identifier))
    field: str = attrs.field(metadata=checks(identifier))
    right: str = attrs.field(metadata=checks(identifier))


def _unique_ids(what: str) -> Check:
    return unique(lambda entry: entry.id, what=what)


@attrs.frozen(kw_only=True)
class AccessPolicy(Model):
    """Who may read and change which records: departments, users, roles, sensitive fields.

    A user the policy does not name may do nothing; :func:`crmcore.access.parse_policy`
    reads a policy from JSON and :mod:`crmcore.access.policy` evaluates it.
    """

    departments: tuple[Department, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(Department), max_items=MAX_ENTRIES), _unique_ids("department")
        ),
    )
    users: tuple[User, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(User), max_items=MAX_ENTRIES), _unique_ids("user")),
    )
    roles: tuple[Role, ...] = attrs.field(
        default=(),
        metadata=checks(each(instance_of(Role), max_items=MAX_ENTRIES), _unique_ids("role")),
    )
    sensitive: tuple[SensitiveField, ...] = attrs.field(
        default=(),
        metadata=checks(
            each(instance_of(SensitiveField)),
            unique(lambda entry: (entry.kind, entry.field), what="field"),
        ),
    )

    @invariant("departments", "roles", "users")
    def _known_names(self) -> Iterator[Violation]:
        departments = {department.id for department in self.departments}
        roles = {role.id for role in self.roles}
        for index, department in enumerate(self.departments):
            if department.parent is not None and department.parent not in departments:
                yield _unknown(f"departments[{index}].parent", "department", department.parent)
        for index, user in enumerate(self.users):
            if user.department is not None and user.department not in departments:
                yield _unknown(f"users[{index}].department", "department", user.department)
            for role in sorted(user.roles - roles):
                yield _unknown(f"users[{index}].roles", "role", role)
        yield from _cycles(self.departments)


def _unknown(field: str, what: str, value: str) -> Violation:
    return Violation(field=field, message=f"is not a {what} of the policy", value=value)


def _cycles(departments: tuple[Department, ...]) -> Iterator[Violation]:
    parent = {department.id: department.parent for department in departments}
    for index, department in enumerate(departments):
        seen = {department.id}
        above = department.parent
        while above is not None and above in parent:
            if above in seen:
                message = "makes the departments a cycle"
                yield Violation(field=f"departments[{index}].parent", message=message)
                break
            seen.add(above)
            above = parent[above]
