"""The JSON forms of the marketing models that the converter needs told about.

A static segment has no condition: an optional condition (``null`` or a condition tree)
reads as ``None`` or through the rules' own hook for condition trees.
"""

from __future__ import annotations

import types
import typing
from typing import TYPE_CHECKING, Any, Final

from crmcore.rules.model import AllOf, AnyOf, Condition, FieldCondition, Not

if TYPE_CHECKING:
    from crmcore.serialization import Converter

__all__ = ["configure"]

_OPTIONAL_CONDITION: Final = frozenset({AllOf, AnyOf, Not, FieldCondition, type(None)})


def _is_optional_condition(hint: Any) -> bool:
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return False
    return frozenset(typing.get_args(hint)) == _OPTIONAL_CONDITION


def configure(converter: Converter) -> None:
    """Register the marketing models' forms on ``converter`` (after the rules' hooks)."""

    def structure(value: object, _: Any) -> Condition | None:
        if value is None:
            return None
        found: Condition = converter.structure(value, Condition)
        return found

    converter.register_structure_hook_func(_is_optional_condition, structure)
