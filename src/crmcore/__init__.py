"""crmcore: an embeddable, pure-domain CRM core for business applications.

The kernel lives at the top level; each domain area is a subpackage
(:mod:`crmcore.partners`, ...). Importing crmcore performs no I/O and imports neither
hypothesis, pytest nor any plugin.
"""

from importlib.metadata import PackageNotFoundError, version

from crmcore.errors import (
    ConcurrencyConflictError,
    CRMError,
    CurrencyMismatchError,
    DomainValidationError,
    DuplicateEntityError,
    EntityNotFoundError,
    PluginError,
    RepositoryError,
    Violation,
)
from crmcore.ids import EntityRef, new_id
from crmcore.money import Money

try:
    __version__ = version("crmcore")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "CRMError",
    "ConcurrencyConflictError",
    "CurrencyMismatchError",
    "DomainValidationError",
    "DuplicateEntityError",
    "EntityNotFoundError",
    "EntityRef",
    "Money",
    "PluginError",
    "RepositoryError",
    "Violation",
    "__version__",
    "new_id",
]
