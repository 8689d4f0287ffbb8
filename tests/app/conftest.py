"""Fixtures of the application layer's tests."""

from __future__ import annotations

import pytest
from app_samples import settings

from crmcore.app.crm import CRM


@pytest.fixture
def crm() -> CRM:
    """A CRM on a new memory store, with no rules."""
    return CRM.in_memory(settings=settings())
