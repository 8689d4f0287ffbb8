"""Fixtures of the claims tests."""

import pytest
from claim_samples import MONDAY, SETTINGS, draft

from crmcore.claims import Claim, register_claim
from crmcore.ids import ClaimId


@pytest.fixture
def claim() -> Claim:
    """A claim registered on Monday 10:00 Moscow time."""
    return register_claim(draft(), claim_id=ClaimId("c-1"), now=MONDAY, settings=SETTINGS).entity
