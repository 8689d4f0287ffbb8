"""The JSON forms of the marketing models that the converter needs told about.

A static segment has no condition: its JSON leaves the key out (as rules leave out a
missing ``when``), since the condition's tagged union reads only condition trees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cattrs.gen import make_dict_unstructure_fn

from crmcore.marketing.model import Segment

if TYPE_CHECKING:
    from crmcore.serialization import Converter

__all__ = ["configure"]


def configure(converter: Converter) -> None:
    """Register the marketing models' forms on ``converter`` (after the rules' hooks)."""
    converter.register_unstructure_hook(
        Segment, make_dict_unstructure_fn(Segment, converter, _cattrs_omit_if_default=True)
    )
