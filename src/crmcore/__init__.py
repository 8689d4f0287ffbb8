"""crmcore: an embeddable, pure-domain CRM core for business applications.

The kernel lives at the top level; each domain area is a subpackage
(:mod:`crmcore.partners`, ...). Importing crmcore performs no I/O and imports neither
hypothesis, pytest nor any plugin.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
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

# Each name is imported from its module when first asked for, so that ``import crmcore``
# (which every entry point of crmcore runs, hypothesis's among them) costs next to nothing.
_EXPORTS: Final = {
    "AgreementNotApplicableError": "crmcore.errors",
    "AgreementTermsError": "crmcore.errors",
    "BusinessRuleError": "crmcore.errors",
    "ClaimNotDecidableError": "crmcore.errors",
    "ConcurrencyConflictError": "crmcore.errors",
    "CRMError": "crmcore.errors",
    "CurrencyMismatchError": "crmcore.errors",
    "DomainValidationError": "crmcore.errors",
    "DuplicateEntityError": "crmcore.errors",
    "EntityNotFoundError": "crmcore.errors",
    "InvalidTransitionError": "crmcore.errors",
    "NoAvailableManagerError": "crmcore.errors",
    "OverlappingValidityError": "crmcore.errors",
    "PluginError": "crmcore.errors",
    "RepositoryError": "crmcore.errors",
    "SpamError": "crmcore.errors",
    "StageGateError": "crmcore.errors",
    "Violation": "crmcore.errors",
    "EntityRef": "crmcore.ids",
    "new_id": "crmcore.ids",
    "Money": "crmcore.money",
}


@cache
def _version() -> str:
    # Reading the installed metadata costs more than the rest of ``import crmcore``, so it
    # waits until someone asks for ``__version__``.
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("crmcore")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """A name of :data:`__all__`, imported from its module when first asked for."""
    if name == "__version__":
        return _version()
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
