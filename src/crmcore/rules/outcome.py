"""What the engine is given beside an event, and what it gives back.

:class:`RuleContext` carries the record, the host's facts, the staff for assignment and the
causal :class:`Chain` the event belongs to; :class:`RuleOutcome` carries the commands, the
explain trace, the failed rules and the loops the guard stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import attrs

from crmcore.conditions.compiler import NodeTrace
from crmcore.errors import Violation
from crmcore.rules.assignment import OrgStructure, Staff
from crmcore.rules.commands import Command
from crmcore.rules.model import Firing, WaitDue
from crmcore.rules.repository import NO_FACTS, FactSource

__all__ = [
    "NO_CONTEXT",
    "Chain",
    "DisabledRule",
    "Link",
    "LoopStop",
    "RuleContext",
    "RuleFailure",
    "RuleHeld",
    "RuleOutcome",
    "RuleTrace",
    "commands_done",
    "nothing_done",
]

Link = tuple[str, str, str]  # rule id, entity, record id


_new: Final = object.__new__
_set: Final = object.__setattr__


# Not slotted, as RuleOutcome: the engine makes one per event that fires a rule from a
# dict of its fields, a third of what the generated ``__init__`` costs.
@attrs.frozen(kw_only=True, slots=False)
class Chain:
    """A causal chain of rule firings: how deep it is and which rule fired for which record."""

    depth: int = 0
    fired: tuple[Link, ...] = ()

    def after(self, links: Iterable[Link]) -> Chain:
        """The chain one step deeper, with ``links`` fired."""
        chain: Chain = _new(Chain)
        fired = self.fired
        _set(
            chain,
            "__dict__",
            {"depth": self.depth + 1, "fired": (*fired, *links) if fired else tuple(links)},
        )
        return chain


@attrs.frozen(kw_only=True)
class RuleContext:
    """What the host knows beside the event: the record, related facts, staff for assignment,
    the causal chain the event belongs to."""

    record: object = None
    facts: FactSource = NO_FACTS
    staff: Staff | None = None
    org: OrgStructure | None = None
    chain: Chain = Chain()


@attrs.frozen(kw_only=True)
class RuleTrace:
    """Why a candidate rule fired or not, with its condition nodes when explained."""

    rule_id: str
    version: int
    fired: bool
    reason: str
    nodes: tuple[NodeTrace, ...] = ()


@attrs.frozen(kw_only=True)
class RuleFailure:
    """A rule that raised while running; the other rules ran."""

    rule_id: str
    version: int
    error: str
    message: str


@attrs.frozen(kw_only=True)
class LoopStop:
    """A firing the loop guard stopped: a cycle (the rules in it) or a chain too deep."""

    rule_id: str
    entity: str
    entity_id: str
    reason: str
    rules: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DisabledRule:
    """A rule version an engine left out for its problems (paths relative to the rule)."""

    rule_id: str
    version: int
    problems: tuple[Violation, ...]


@attrs.frozen(kw_only=True)
class RuleHeld:
    """A rule whose conditions held but that the ledger held back: its throttle's limit was
    reached, or it fires only the first time and fired for the record before."""

    rule_id: str
    version: int
    entity_id: str
    reason: str


@attrs.frozen(kw_only=True, slots=False)
class RuleOutcome:
    """What processing one event gave: commands, traces, failures, stopped loops, and the
    chain to pass with the events the commands cause; with a ledger, the firings to record in
    it with the commands (none on a dry run) and the rules it held back; the waiting steps of
    the rules that fired, for the host to keep until they come due (none on a dry run)."""

    commands: tuple[Command, ...] = ()
    trace: tuple[RuleTrace, ...] = ()
    failures: tuple[RuleFailure, ...] = ()
    loops: tuple[LoopStop, ...] = ()
    chain: Chain = Chain()
    dry_run: bool = False
    firings: tuple[Firing, ...] = ()
    held: tuple[RuleHeld, ...] = ()
    scheduled: tuple[WaitDue, ...] = ()


NO_CONTEXT: Final = RuleContext()
"""The context of an event the host knows nothing more about."""
_NO_CHAIN: Final = RuleContext().chain
_NOTHING: Final = {False: RuleOutcome(), True: RuleOutcome(dry_run=True)}


_FIELDS: Final = attrs.asdict(RuleOutcome(), recurse=False)


def commands_done(commands: tuple[Command, ...], chain: Chain, *, dry_run: bool) -> RuleOutcome:
    """The outcome of an event that gave only ``commands``: the same as
    ``RuleOutcome(commands=commands, chain=chain, dry_run=dry_run)``, built from a copy of
    the defaults (outcomes have no validators to skip)."""
    fields = _FIELDS.copy()
    fields["commands"], fields["chain"], fields["dry_run"] = commands, chain, dry_run
    outcome: RuleOutcome = _new(RuleOutcome)
    _set(outcome, "__dict__", fields)
    return outcome


def nothing_done(chain: Chain, *, dry_run: bool) -> RuleOutcome:
    """The outcome of an event no rule fired for (shared when the chain is the empty one)."""
    if chain is _NO_CHAIN:
        return _NOTHING[dry_run]
    return RuleOutcome(chain=chain, dry_run=dry_run)
