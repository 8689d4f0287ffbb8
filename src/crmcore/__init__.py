"""crmcore: an embeddable, pure-domain CRM core for business applications.

The kernel lives at the top level; each domain area is a subpackage
(:mod:`crmcore.partners`, ...). Importing crmcore performs no I/O and imports neither
hypothesis, pytest nor any plugin.
"""

from importlib.metadata import PackageNotFoundError, version

from crmcore.errors import (
    AgreementNotApplicableError,
    AgreementTermsError,
    BusinessRuleError,
    ClaimNotDecidableError,
    ConcurrencyConflictError,
    CRMError,
    CurrencyMismatchError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
    InvalidTransitionError,
    NoAvailableManagerError,
    OverlappingValidityError,
    PluginError,
    RepositoryError,
    SpamError,
    StageGateError,
    Violation,
)
from crmcore.ids import EntityRef, new_id
from crmcore.money import Money

try:
    __version__ = version("crmcore")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "AgreementNotApplicableError",
    "AgreementTermsError",
    "BusinessRuleError",
    "CRMError",
    "ClaimNotDecidableError",
    "ConcurrencyConflictError",
    "CurrencyMismatchError",
    "DomainValidationError",
    "DuplicateEntityError",
    "EntityNotFoundError",
    "EntityRef",
    "InvalidTransitionError",
    "Money",
    "NoAvailableManagerError",
    "OverlappingValidityError",
    "PluginError",
    "RepositoryError",
    "SpamError",
    "StageGateError",
    "Violation",
    "__version__",
    "new_id",
]
