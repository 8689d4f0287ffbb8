"""The pytest plugin of crmcore, loaded through the ``pytest11`` entry point.

It registers the ``crmcore_contract`` marker that the contract suites of
:mod:`crmcore.testing.contracts` carry, so that ``--strict-markers`` accepts them and a host
can select or skip them with ``-m crmcore_contract``; and it has pytest rewrite the asserts of
the contract suites, so that a failing contract shows the values it compared.
"""

from __future__ import annotations

import pytest

__all__ = ["pytest_configure"]

pytest.register_assert_rewrite("crmcore.testing.contracts")


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``crmcore_contract`` marker."""
    config.addinivalue_line(
        "markers",
        "crmcore_contract: a test of a crmcore repository contract suite"
        " (crmcore.testing.contracts)",
    )
