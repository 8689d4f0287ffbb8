"""Compiled conditions, which live in :mod:`crmcore.conditions.compiler` since segments compile
theirs too; the names stay importable from here.
"""

from __future__ import annotations

from crmcore.conditions.compiler import (
    CompiledCondition,
    Memo,
    NodeTrace,
    compile_condition,
    every_test,
)

__all__ = [
    "CompiledCondition",
    "Memo",
    "NodeTrace",
    "compile_condition",
    "every_test",
]
