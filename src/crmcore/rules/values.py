"""The values of conditions, which live in :mod:`crmcore.conditions.values` since segments use
them too; the names stay importable from here.
"""

from __future__ import annotations

from crmcore.conditions.values import (
    Constant,
    coerce,
    constant,
)

__all__ = [
    "Constant",
    "coerce",
    "constant",
]
