"""The contract kit itself: the marker, capability flags, the thread runner, and contracts
that fail a repository with a bug."""

from __future__ import annotations

import attrs
import pytest

from crmcore.claims import Claim, ClaimRepository
from crmcore.memory import (
    MemoryClaimRepository,
    MemoryPartnerRepository,
    MemoryRelationshipRepository,
)
from crmcore.partners import PartnerRepository, RelationshipRepository
from crmcore.testing.contracts import (
    ClaimRepositoryContract,
    PartnerRepositoryContract,
    RelationshipRepositoryContract,
)
from crmcore.testing.contracts._common import run_in_threads


class SingleThreadedPartners(PartnerRepositoryContract):
    supports_concurrent_access = False

    def make_repository(self) -> PartnerRepository:
        return MemoryPartnerRepository()


class SingleThreadedRelationships(RelationshipRepositoryContract):
    supports_concurrent_access = False

    def make_repository(self) -> RelationshipRepository:
        return MemoryRelationshipRepository()


def test_the_plugin_registers_the_contract_marker(pytestconfig: pytest.Config) -> None:
    markers = pytestconfig.getini("markers")
    assert any(line.startswith("crmcore_contract:") for line in markers)


def test_contract_classes_carry_the_marker_to_their_subclasses() -> None:
    names = [mark.name for mark in SingleThreadedPartners.pytestmark]
    assert names == ["crmcore_contract"]


def test_concurrency_tests_are_skipped_without_the_capability() -> None:
    with pytest.raises(pytest.skip.Exception):
        SingleThreadedPartners().test_concurrent_saves_lose_no_update()
    with pytest.raises(pytest.skip.Exception):
        SingleThreadedRelationships().test_concurrent_adds_of_the_same_ends_store_one()


def test_a_contract_without_a_factory_cannot_be_instantiated() -> None:
    with pytest.raises(TypeError, match="make_repository"):
        PartnerRepositoryContract()  # type: ignore[abstract]


def test_run_in_threads_reraises_what_a_worker_raised() -> None:
    def worker(number: int) -> None:
        if number == 2:
            raise LookupError(number)

    with pytest.raises(LookupError):
        run_in_threads(worker, count=4)


class LastWriteWins(MemoryClaimRepository):
    """A repository with a classic bug: a save overwrites whatever version is stored."""

    def save(self, claim: Claim, *, expected_version: int) -> None:
        super().save(claim, expected_version=self.get(claim.id).version)


class LosesAttachments(MemoryClaimRepository):
    """A repository with a classic bug: one field is not stored."""

    def add(self, claim: Claim) -> None:
        super().add(attrs.evolve(claim, attachments=()))


class LastWriteWinsContract(ClaimRepositoryContract):
    def make_repository(self) -> ClaimRepository:
        return LastWriteWins()


class LosesAttachmentsContract(ClaimRepositoryContract):
    def make_repository(self) -> ClaimRepository:
        return LosesAttachments()


def test_the_contract_fails_a_save_that_ignores_the_expected_version() -> None:
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        LastWriteWinsContract().test_save_moves_the_indexes_and_checks_the_version()


def test_the_contract_fails_a_repository_that_loses_a_field() -> None:
    with pytest.raises(AssertionError):
        LosesAttachmentsContract().test_get_returns_an_equal_claim_with_every_field()
