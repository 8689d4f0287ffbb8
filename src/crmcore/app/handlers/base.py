"""What every handler shares: the runtime it reads its settings from, and the table type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from crmcore.app.settings import Settings
from crmcore.app.work import Work
from crmcore.deals import Pipeline
from crmcore.errors import EntityNotFoundError
from crmcore.ids import PipelineId
from crmcore.matching import DuplicateIndex
from crmcore.requests import RequestMatcher

__all__ = ["Handler", "Runtime", "handles", "pipeline_of"]

C = TypeVar("C")


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
