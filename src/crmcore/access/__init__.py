"""Who may read and change what: the access policy as data, and its evaluation.

An :class:`AccessPolicy` names departments (a hierarchy with heads), users and roles; a
role's :class:`Permission` lets its holders do an :class:`Action` on a kind of record within
a :class:`Scope`, and a :class:`SensitiveField` is hidden from, and may not be changed by,
anyone without its right. :class:`AccessControl` evaluates a policy; the repositories filter
their queries by the :class:`~crmcore.visibility.AccessScope` it gives. The package decides;
it never loads or stores.
"""

from crmcore.access.audit import AuditEntry, FieldChange, field_changes, part_change
from crmcore.access.kinds import RecordKind, record_keys, record_kind, record_kinds, register_kind
from crmcore.access.model import (
    ANY_KIND,
    AccessPolicy,
    Action,
    Department,
    Permission,
    Role,
    Scope,
    SensitiveField,
    User,
)
from crmcore.access.policy import NOTHING, AccessControl, parse_policy, policy_problems
from crmcore.access.repository import AuditTrail
from crmcore.visibility import AccessScope

__all__ = [
    "ANY_KIND",
    "NOTHING",
    "AccessControl",
    "AccessPolicy",
    "AccessScope",
    "Action",
    "AuditEntry",
    "AuditTrail",
    "Department",
    "FieldChange",
    "Permission",
    "RecordKind",
    "Role",
    "Scope",
    "SensitiveField",
    "User",
    "field_changes",
    "parse_policy",
    "part_change",
    "policy_problems",
    "record_keys",
    "record_kind",
    "record_kinds",
    "register_kind",
]
