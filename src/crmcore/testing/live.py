"""Running the contract suites and stateful comparisons against a live database server.

A server is slow beside the memory store: each call is a round trip, each fresh repository a
migration or a ``TRUNCATE``, and hypothesis, left to its defaults, spends minutes shrinking a
failing sequence (up to its own limit of five minutes) before it reports anything. This
module gives the settings that keep such runs short and their failures readable, and a
helper that empties the tables between tests::

    from crmcore.testing.live import LIVE, LIVE_SHRINKING, empty_tables

    comparison = deal_repository_comparison(make_repository, settings=LIVE)

- :data:`LIVE` does not shrink: the first failing sequence is reported as found, each step
  printed, with the blob that replays it (``@reproduce_failure``);
- :data:`LIVE_SHRINKING` shrinks, but over short sequences, so that shrinking stays bounded;
  use it to cut down a failure :data:`LIVE` found (the example database replays it first).

Both are also registered as hypothesis profiles, ``crmcore-live`` and
``crmcore-live-shrinking`` (``pytest --hypothesis-profile=crmcore-live``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from crmcore.testing._extra import require_testing_extra

require_testing_extra("crmcore.testing.live", "hypothesis")

from hypothesis import HealthCheck, Phase, settings

__all__ = ["LIVE", "LIVE_PROFILE", "LIVE_SHRINKING", "LIVE_SHRINKING_PROFILE", "empty_tables"]

LIVE_PROFILE: Final = "crmcore-live"
LIVE_SHRINKING_PROFILE: Final = "crmcore-live-shrinking"

LIVE: Final = settings(
    max_examples=20,
    stateful_step_count=25,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    deadline=None,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
    report_multiple_bugs=False,
    print_blob=True,
)
"""Settings for a live store: 20 sequences of up to 25 steps, no shrinking, no deadline,
the failing steps printed with the blob that replays them."""

LIVE_SHRINKING: Final = settings(
    LIVE,
    stateful_step_count=8,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
)
""":data:`LIVE` with shrinking, over sequences of at most 8 steps, which bounds it."""

settings.register_profile(LIVE_PROFILE, LIVE)
settings.register_profile(LIVE_SHRINKING_PROFILE, LIVE_SHRINKING)


def empty_tables(execute: Callable[[str], object], tables: Iterable[str]) -> None:
    """Empty ``tables`` with one ``TRUNCATE ... RESTART IDENTITY CASCADE`` (PostgreSQL), run
    through ``execute`` (a cursor's or a connection's ``execute``, in a committed transaction):
    a fresh, empty repository for each test without migrating again.

    >>> empty_tables(print, ["deals", "stage_log"])
    TRUNCATE TABLE "deals", "stage_log" RESTART IDENTITY CASCADE
    """
    names = [name.replace('"', '""') for name in tables]
    if names:
        quoted = ", ".join(f'"{name}"' for name in names)
        execute(f"TRUNCATE TABLE {quoted} RESTART IDENTITY CASCADE")
