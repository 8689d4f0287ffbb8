"""The examples in the marketing modules' docstrings hold."""

import doctest
from types import ModuleType

import pytest

import crmcore.marketing.campaigns
import crmcore.marketing.consent
import crmcore.marketing.crosssell
import crmcore.marketing.model
import crmcore.marketing.segments
import crmcore.marketing.surveys

MODULES = [
    crmcore.marketing.campaigns,
    crmcore.marketing.consent,
    crmcore.marketing.crosssell,
    crmcore.marketing.model,
    crmcore.marketing.segments,
    crmcore.marketing.surveys,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert results.failed == 0
    assert results.attempted > 0
