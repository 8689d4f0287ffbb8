"""The examples in the catalog modules' docstrings hold."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import crmcore.catalog.model
import crmcore.catalog.pricing
import crmcore.catalog.services
import crmcore.memory.catalog

MODULES = [
    crmcore.catalog.model,
    crmcore.catalog.pricing,
    crmcore.catalog.services,
    crmcore.memory.catalog,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
