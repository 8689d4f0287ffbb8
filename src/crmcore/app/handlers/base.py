"""What every handler shares: the runtime it reads its settings from, and the table type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from crmcore.app.settings import Settings
from crmcore.app.work import Work
from crmcore.deals import Pipeline
from crmcore.errors import DomainValidationError, EntityNotFoundError, Violation
from crmcore.ids import PipelineId
from crmcore.matching import DuplicateIndex
from crmcore.requests import RequestMatcher

__all__ = ["Handler", "Runtime", "drafted", "handles", "pipeline_of"]

C = TypeVar("C")
T = TypeVar("T")


class Runtime(Protocol):
    """What handlers read from the CRM they run in."""

    @property
    def settings(self) -> Settings:
        """The CRM's settings."""
        ...

    def partner_index(self, work: Work) -> DuplicateIndex:
        """The duplicate index of the partners, with what ``work`` has written."""
        ...

    def matcher(self, work: Work) -> RequestMatcher:
        """The duplicate check of requests against known partners and contact persons."""
        ...

    def rules_changed(self) -> None:
        """Note that a rule was saved, so that the next events see it."""
        ...


Handler = Callable[[Runtime, Work, Any], object]


def handles(
    table: dict[type, Handler], command: type[C]
) -> Callable[[Callable[[Runtime, Work, C], object]], Callable[[Runtime, Work, C], object]]:
    """Register the decorated function in ``table`` as the handler of ``command``."""

    def register(
        function: Callable[[Runtime, Work, C], object],
    ) -> Callable[[Runtime, Work, C], object]:
        table[command] = function
        return function

    return register


def pipeline_of(runtime: Runtime, work: Work, pipeline_id: str) -> Pipeline:
    """The pipeline ``pipeline_id`` of the settings, else of the store."""
    found = runtime.settings.pipeline(pipeline_id)
    if found is not None:
        return found
    try:
        return work.repositories.pipelines.get(PipelineId(pipeline_id))
    except EntityNotFoundError:
        raise EntityNotFoundError("pipeline", pipeline_id) from None


def drafted(make: Callable[[], T], *, links: Mapping[str, Callable[[], object]]) -> T:
    """What ``make``, a pure service over a draft, gives, checked before the records the draft
    links to are looked up (``links``: each field of the draft and its look-up). A draft that
    ``make`` refuses is reported with every link of a field that passed and names no stored
    record, in one :class:`DomainValidationError`; a good draft with such a link raises the
    look-up's :class:`EntityNotFoundError`."""
    try:
        made = make()
    except DomainValidationError as error:
        failed = {violation.field for violation in error.violations}
        unknown = [
            v for field, look in links.items() if field not in failed for v in _unknown(field, look)
        ]
        raise DomainValidationError([*error.violations, *unknown]) from None
    for look in links.values():
        look()
    return made


def _unknown(field: str, look: Callable[[], object]) -> list[Violation]:
    """What is wrong with the record ``field`` names: none stored, or no kind the CRM keeps."""
    try:
        look()
    except EntityNotFoundError as missing:
        message = f"names no stored {missing.entity_type}"
        return [Violation(field=field, message=message, value=missing.entity_id)]
    except DomainValidationError as refused:
        return list(refused.under(field).violations)
    return []
