"""Inlined leaf tests, which live in :mod:`crmcore.conditions.inline` since segments use them
too; the names stay importable from here.
"""

from __future__ import annotations

from crmcore.conditions.inline import (
    Direct,
    Test,
    inline_test,
)

__all__ = [
    "Direct",
    "Test",
    "inline_test",
]
