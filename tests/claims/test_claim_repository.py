"""The claims contract suite, run against the in-memory reference repository."""

from crmcore.claims import ClaimRepository
from crmcore.memory import MemoryClaimRepository
from crmcore.testing.contracts import ClaimRepositoryContract


class TestMemoryClaims(ClaimRepositoryContract):
    def make_repository(self) -> ClaimRepository:
        return MemoryClaimRepository()
