"""Fixtures of the deals tests: a classified client, and a new deal of each kind."""

from __future__ import annotations

import pytest
from deal_samples import NOW, opened

from crmcore.deals import LONG_PROJECT, MANUAL_SALE, TYPICAL_SALE, Deal
from crmcore.ids import PartnerId
from crmcore.partners import Partner, PartnerKind, PartnerRole


@pytest.fixture
def client() -> Partner:
    return Partner(
        id=PartnerId("p-1"),
        kind=PartnerKind.LEGAL_ENTITY,
        roles=frozenset({PartnerRole.CLIENT}),
        short_name="Ромашка",
        segment="A",
        created_at=NOW,
    )


@pytest.fixture
def typical() -> Deal:
    return opened(TYPICAL_SALE)


@pytest.fixture
def manual() -> Deal:
    return opened(MANUAL_SALE)


@pytest.fixture
def project() -> Deal:
    return opened(LONG_PROJECT)
