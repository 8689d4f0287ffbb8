"""The examples in the requests modules' docstrings hold."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import crmcore.requests.lifecycle
import crmcore.requests.model
import crmcore.requests.reports
import crmcore.requests.services
import crmcore.requests.webform

MODULES = [
    crmcore.requests.lifecycle,
    crmcore.requests.model,
    crmcore.requests.reports,
    crmcore.requests.services,
    crmcore.requests.webform,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert results.failed == 0
    assert results.attempted > 0
