"""What a host configures for requests: sources, rejection reasons, the duplicate window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import attrs

from crmcore.deals.pipeline import code
from crmcore.errors import Violation
from crmcore.requests.kinds import BUILTIN_REJECTION_REASONS, BUILTIN_SOURCES
from crmcore.validation import Model, checks, each, instance_of

__all__ = ["RequestSettings"]


def _codes(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple) or not value:
        yield Violation(field=field, message="must be a non-empty tuple of codes", value=value)
        return
    yield from each(code)(field, value)


def _window(field: str, value: object) -> Iterator[Violation]:
    yield from instance_of(timedelta)(field, value)
    if isinstance(value, timedelta) and value < timedelta(0):
        yield Violation(field=field, message="must not be negative", value=str(value))


@attrs.frozen(kw_only=True)
class RequestSettings(Model):
    """The request sources and rejection reasons in use, and how far back a request from the
    same contact (same phone or email) counts as a duplicate."""

    sources: tuple[str, ...] = attrs.field(default=BUILTIN_SOURCES, metadata=checks(_codes))
    rejection_reasons: tuple[str, ...] = attrs.field(
        default=BUILTIN_REJECTION_REASONS, metadata=checks(_codes)
    )
    duplicate_window: timedelta = attrs.field(default=timedelta(days=3), metadata=checks(_window))

    def source_problems(self, field: str, source: object) -> list[Violation]:
        """Why ``source`` is not a configured source (nothing when it is one)."""
        if source in self.sources:
            return []
        message = "must be one of " + ", ".join(self.sources)
        return [Violation(field=field, message=message, value=source)]

    def reason_problems(self, field: str, reason: object) -> list[Violation]:
        """Why ``reason`` is not a configured rejection reason (nothing when it is one)."""
        if reason in self.rejection_reasons:
            return []
        message = "must be one of " + ", ".join(self.rejection_reasons)
        return [Violation(field=field, message=message, value=reason)]
