"""The examples in the analytics modules' docstrings hold."""

from __future__ import annotations

import doctest

import crmcore.analytics.periods


def test_the_docstring_examples_hold() -> None:
    results = doctest.testmod(
        crmcore.analytics.periods, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert results.failed == 0
    assert results.attempted > 0
