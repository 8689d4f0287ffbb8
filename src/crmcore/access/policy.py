"""Evaluating an :class:`~crmcore.access.AccessPolicy`: what an actor may do, the scope a
query of theirs is filtered by, and which fields they may not read or change.

:class:`AccessControl` reads a policy once (the department tree, each user's roles) and
answers every question from that, so that a query pays a dictionary lookup, not a walk of
the policy. :func:`parse_policy` reads a policy from JSON through the kernel's untrusted-input
path, with every problem in one :class:`~crmcore.errors.DomainValidationError`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from crmcore.access.kinds import RecordKind, record_keys, record_kind
from crmcore.access.model import ANY_KIND, AccessPolicy, Action, Scope, User
from crmcore.errors import AccessDeniedError, DomainValidationError, Violation
from crmcore.serialization import Converter, make_converter
from crmcore.validation import payload_violations, raise_violations
from crmcore.visibility import (
    AccessScope,
    co_executor_key,
    department_key,
    responsible_key,
)

__all__ = ["NOTHING", "AccessControl", "parse_policy", "policy_problems"]

NOTHING: Final = AccessScope(keys=frozenset())
"""The scope that admits no record."""
_MISSING: Final = object()


def _default(kind: RecordKind, name: str) -> Any:
    """What a hidden field shows instead of its value: the field's default."""
    field = next((f for f in attrs.fields(kind.model) if f.name == name), None)
    if field is None or field.default is attrs.NOTHING:
        return _MISSING
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


def policy_problems(policy: AccessPolicy) -> list[Violation]:
    """What a valid policy names that no known kind of record has: an unknown kind in a
    permission, a sensitive field the kind lacks or that has no default to show instead."""
    found: list[Violation] = []
    for r, role in enumerate(policy.roles):
        for p, permission in enumerate(role.permissions):
            if permission.kind != ANY_KIND and record_kind(permission.kind) is None:
                field = f"roles[{r}].permissions[{p}].kind"
                found.append(_unknown_kind(field, permission.kind))
    for index, sensitive in enumerate(policy.sensitive):
        kind = record_kind(sensitive.kind)
        if kind is None:
            found.append(_unknown_kind(f"sensitive[{index}].kind", sensitive.kind))
        elif sensitive.field not in kind.field_names():
            message = f"is not a field of a {sensitive.kind}"
            found.append(
                Violation(field=f"sensitive[{index}].field", message=message, value=sensitive.field)
            )
        elif _default(kind, sensitive.field) is _MISSING:
            message = "has no default to show in its place when hidden"
            found.append(
                Violation(field=f"sensitive[{index}].field", message=message, value=sensitive.field)
            )
    return found


def _unknown_kind(field: str, value: str) -> Violation:
    return Violation(field=field, message="is not a known kind of record", value=value)


def parse_policy(data: object, *, converter: Converter | None = None) -> AccessPolicy:
    """An access policy from its JSON form (a mapping), checked as a whole: the input limits,
    unknown or missing keys, bad values, unknown departments, roles and kinds, all at once."""
    try:
        policy: AccessPolicy = (converter or make_converter()).structure(data, AccessPolicy)
    except DomainValidationError as error:
        found = [*error.violations, *_raw_kind_problems(data)]
        raise DomainValidationError(dict.fromkeys(found)) from None
    raise_violations(policy_problems(policy))
    return policy


def _raw_kind_problems(data: object) -> Iterator[Violation]:
    """The unknown kinds of record in a policy's JSON that did not structure, so that they
    are reported beside its other problems."""
    if payload_violations(data) or not isinstance(data, Mapping):
        return
    roles = data.get("roles")
    for r, role in enumerate(roles if isinstance(roles, list) else ()):
        permissions = role.get("permissions") if isinstance(role, Mapping) else None
        for p, permission in enumerate(permissions if isinstance(permissions, list) else ()):
            kind = permission.get("kind") if isinstance(permission, Mapping) else None
            if isinstance(kind, str) and kind != ANY_KIND and record_kind(kind) is None:
                yield _unknown_kind(f"roles[{r}].permissions[{p}].kind", kind)
    sensitive = data.get("sensitive")
    for index, entry in enumerate(sensitive if isinstance(sensitive, list) else ()):
        kind = entry.get("kind") if isinstance(entry, Mapping) else None
        if isinstance(kind, str) and record_kind(kind) is None:
            yield _unknown_kind(f"sensitive[{index}].kind", kind)


class AccessControl:
    """Answers for one policy: scopes, permissions and sensitive fields per actor."""

    def __init__(self, policy: AccessPolicy) -> None:
        raise_violations(policy_problems(policy))
        self.policy = policy
        self._users: dict[str, User] = {user.id: user for user in policy.users}
        self._roles = {role.id: role for role in policy.roles}
        self._children: dict[str, list[str]] = {}
        for department in policy.departments:
            if department.parent is not None:
                self._children.setdefault(department.parent, []).append(department.id)
        self._members: dict[str, set[str]] = {}
        for user in policy.users:
            if user.department is not None:
                self._members.setdefault(user.department, set()).add(user.id)
        self._heads: dict[str, set[str]] = {}
        for department in policy.departments:
            if department.head is not None:
                self._heads.setdefault(department.head, set()).add(department.id)
        self._lock = threading.Lock()
        self._scopes: dict[tuple[str, Action, str], AccessScope | None] = {}
        self._hidden: dict[tuple[str, str], frozenset[str]] = {}

    # Scopes

    def scope(self, actor: str, action: Action, kind: str) -> AccessScope | None:
        """The records of ``kind`` that ``actor`` may do ``action`` on: ``None`` for every
        record, :data:`NOTHING` when the actor may do it on none."""
        key = (actor, action, kind)
        with self._lock:
            if key in self._scopes:
                return self._scopes[key]
        found = self._scope(actor, action, kind)
        with self._lock:
            self._scopes[key] = found
        return found

    def _scope(self, actor: str, action: Action, kind: str) -> AccessScope | None:
        scopes = set(self._granted(actor, action, kind))
        if Scope.ALL in scopes:
            return None
        keys: set[str] = set()
        if Scope.OWN in scopes:
            keys.add(responsible_key(actor))
        if Scope.CO_EXECUTOR in scopes:
            keys.add(co_executor_key(actor))
        departments = self.departments_of(actor)
        if Scope.DEPARTMENT_AND_BELOW in scopes:
            keys |= self._department_keys(self._below(departments))
        elif Scope.DEPARTMENT in scopes:
            keys |= self._department_keys(departments)
        return AccessScope(keys=frozenset(keys))

    def _granted(self, actor: str, action: Action, kind: str) -> Iterator[Scope]:
        user = self._users.get(actor)
        if user is None:
            return
        for role_id in user.roles:
            for permission in self._roles[role_id].permissions:
                if permission.action is action and permission.kind in (kind, ANY_KIND):
                    yield permission.scope

    def departments_of(self, actor: str) -> frozenset[str]:
        """The departments ``actor`` belongs to or heads."""
        user = self._users.get(actor)
        own = {user.department} if user is not None and user.department is not None else set()
        return frozenset(own | self._heads.get(actor, set()))

    def _below(self, departments: frozenset[str]) -> frozenset[str]:
        found: set[str] = set()
        stack = list(departments)
        while stack:
            department = stack.pop()
            if department not in found:
                found.add(department)
                stack.extend(self._children.get(department, ()))
        return frozenset(found)

    def _department_keys(self, departments: frozenset[str]) -> set[str]:
        keys = {department_key(department) for department in departments}
        for department in departments:
            keys |= {responsible_key(user) for user in self._members.get(department, ())}
            heads = (head for head, led in self._heads.items() if department in led)
            keys |= {responsible_key(head) for head in heads}
        return keys

    # Records

    def permits(
        self,
        actor: str,
        action: Action,
        kind: str,
        record: Any,
        *,
        keys: frozenset[str] | None = None,
    ) -> bool:
        """Whether ``actor`` may do ``action`` on ``record`` of ``kind``: by the record's own
        access keys, or by ``keys`` when given (those of the record it follows)."""
        scope = self.scope(actor, action, kind)
        if scope is None:
            return True
        return scope.admits(record_keys(kind, record) if keys is None else keys)

    def may_at_all(self, actor: str, action: Action, kind: str) -> bool:
        """Whether ``actor`` may do ``action`` on some record of ``kind``."""
        return self.scope(actor, action, kind) != NOTHING

    def require(
        self,
        actor: str,
        action: Action,
        kind: str,
        record: Any,
        *,
        record_id: str | None,
        keys: frozenset[str] | None = None,
    ) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` unless :meth:`permits`."""
        if not self.permits(actor, action, kind, record, keys=keys):
            raise AccessDeniedError(actor, action.value, kind, record_id)

    # Sensitive fields

    def hidden(self, actor: str, kind: str) -> frozenset[str]:
        """The fields of ``kind`` that ``actor`` holds no right to read or change."""
        key = (actor, kind)
        with self._lock:
            if key in self._hidden:
                return self._hidden[key]
        rights = self._rights(actor)
        found = frozenset(
            entry.field
            for entry in self.policy.sensitive
            if entry.kind == kind and entry.right not in rights
        )
        with self._lock:
            self._hidden[key] = found
        return found

    def _rights(self, actor: str) -> frozenset[str]:
        user = self._users.get(actor)
        if user is None:
            return frozenset()
        return frozenset().union(*(self._roles[role].rights for role in user.roles))

    def redact(self, actor: str, kind: str, record: Any) -> Any:
        """``record`` with the fields hidden from ``actor`` set to their defaults, and with
        them the fields that tell them (:attr:`~crmcore.access.RecordKind.hidden_with`)."""
        hidden = self.hidden(actor, kind)
        found = record_kind(kind)
        if not hidden or found is None:
            return record
        telling = (name for field in hidden for name in found.hidden_with.get(field, ()))
        shown = {name: _default(found, name) for name in (*hidden, *telling)}
        return attrs.evolve(record, **shown)

    def refused_fields(self, actor: str, kind: str, before: Any, after: Any) -> tuple[str, ...]:
        """The fields hidden from ``actor`` that differ between ``before`` and ``after``
        (``before`` is ``None`` for a new record: then a field differs from its default)."""
        found = record_kind(kind)
        if found is None:
            return ()
        changed = []
        for name in sorted(self.hidden(actor, kind)):
            old = _default(found, name) if before is None else getattr(before, name)
            if getattr(after, name) != old:
                changed.append(name)
        return tuple(changed)

    def require_fields(
        self, actor: str, action: Action, kind: str, before: Any, after: Any
    ) -> None:
        """Raise :class:`~crmcore.errors.AccessDeniedError` naming the sensitive fields
        ``actor`` may not set, if the change sets any."""
        refused = self.refused_fields(actor, kind, before, after)
        if refused:
            raise AccessDeniedError(actor, action.value, kind, after.id, fields=refused)
