"""The examples in the deals modules' docstrings hold."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import crmcore.deals.builtin
import crmcore.deals.forecast
import crmcore.deals.gates
import crmcore.deals.items
import crmcore.deals.lifecycle
import crmcore.deals.model
import crmcore.deals.pipeline
import crmcore.deals.reports
import crmcore.deals.results
import crmcore.deals.services
import crmcore.memory.deals

MODULES = [
    crmcore.deals.builtin,
    crmcore.deals.forecast,
    crmcore.deals.gates,
    crmcore.deals.items,
    crmcore.deals.lifecycle,
    crmcore.deals.model,
    crmcore.deals.pipeline,
    crmcore.deals.reports,
    crmcore.deals.results,
    crmcore.deals.services,
    crmcore.memory.deals,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert results.failed == 0
    assert results.attempted > 0
