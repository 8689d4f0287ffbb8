"""The examples in the interactions modules' docstrings hold."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import crmcore.interactions.lifecycle
import crmcore.interactions.model
import crmcore.interactions.reminders
import crmcore.interactions.services

MODULES = [
    crmcore.interactions.lifecycle,
    crmcore.interactions.model,
    crmcore.interactions.reminders,
    crmcore.interactions.services,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert results.failed == 0
    assert results.attempted > 0
