"""What conditions read, which lives in :mod:`crmcore.conditions.scope` since segments read it
too; the names stay importable from here.
"""

from __future__ import annotations

from crmcore.conditions.scope import (
    CUSTOM,
    Getter,
    Scope,
    change_getter,
    compile_path,
    custom_change,
    direct_field,
    from_primitive,
    plain,
    read,
    read_path,
    record_from_changes,
)

__all__ = [
    "CUSTOM",
    "Getter",
    "Scope",
    "change_getter",
    "compile_path",
    "custom_change",
    "direct_field",
    "from_primitive",
    "plain",
    "read",
    "read_path",
    "record_from_changes",
]
