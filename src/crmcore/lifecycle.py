"""Lifecycles on python-statemachine, with its pitfalls handled here and nowhere else.

An area describes a lifecycle as data (:class:`LifecycleDefinition`); :func:`compile_lifecycle`
builds a ``StateMachine`` subclass from it once per distinct definition (cached by value) and
compiles a transition table from that class. The machine stays the single definition: it
validates the definition when the class is built (unreachable states, final states with exits)
and :meth:`Lifecycle.fire` runs it; the table serves the hot path, and a property test keeps the
two in agreement.

Rules followed, from the python-statemachine pitfalls:

- the class derives from ``StateMachine`` (not ``StateChart``): unknown events raise and action
  errors are not swallowed;
- no frozen model is ever bound: a machine starts from a stored state value, gets one event,
  and its new value is read back;
- classes are built from a private copy of the definition and cached, never rebuilt per call;
- guards that must report every unmet condition are the areas' business, evaluated before a
  move; the machine only ever sees allowed moves.

>>> agreement = compile_lifecycle(LifecycleDefinition(
...     name="AgreementApproval",
...     states=("draft", "on_approval", "approved", "closed"),
...     finals=frozenset({"closed"}),
...     transitions=(Transition("submit", "draft", "on_approval"),
...                  Transition("approve", "on_approval", "approved"),
...                  Transition("reject", "on_approval", "draft"),
...                  Transition("close", "approved", "closed"))))
>>> agreement.target("on_approval", "approve")
'approved'
>>> agreement.fire("on_approval", "reject")
'draft'
>>> agreement.allowed_events("on_approval")
('approve', 'reject')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Final, cast

import attrs
from statemachine import State, StateMachine
from statemachine.exceptions import InvalidDefinition, TransitionNotAllowed
from statemachine.factory import StateMachineMetaclass

from crmcore.errors import DomainValidationError, InvalidTransitionError, Violation
from crmcore.validation import raise_violations

__all__ = ["Lifecycle", "LifecycleDefinition", "Transition", "compile_lifecycle"]

_NAME: Final = re.compile(r"\A[a-z][a-z0-9_]{0,63}\Z")
_CLASS_NAME: Final = re.compile(r"\A[A-Z][A-Za-z0-9]{0,63}\Z")


@attrs.frozen
class Transition:
    """Event ``event`` moves from state ``source`` to state ``target``."""

    event: str
    source: str
    target: str


@attrs.frozen(kw_only=True)
class LifecycleDefinition:
    """A lifecycle as data: its states (the first is initial), final states, transitions."""

    name: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    finals: frozenset[str] = frozenset()

    def problems(self) -> Iterator[Violation]:
        """Everything wrong with the definition that python-statemachine would not name well."""
        if not _CLASS_NAME.match(self.name):
            yield Violation(field="name", message="must be a CamelCase class name", value=self.name)
        if not self.states:
            yield Violation(field="states", message="needs at least one state")
        seen: set[str] = set()
        for index, state in enumerate(self.states):
            if not _NAME.match(state) or state in seen:
                message = "must be a unique snake_case name"
                yield Violation(field=f"states[{index}]", message=message, value=state)
            seen.add(state)
        yield from _transition_problems(self, seen)
        for final in sorted(self.finals - seen):
            yield Violation(field="finals", message="names an unknown state", value=final)


def _transition_problems(definition: LifecycleDefinition, states: set[str]) -> Iterator[Violation]:
    pairs: set[tuple[str, str]] = set()
    for index, transition in enumerate(definition.transitions):
        field = f"transitions[{index}]"
        if not _NAME.match(transition.event):
            yield Violation(
                field=f"{field}.event", message="must be snake_case", value=transition.event
            )
        for end in ("source", "target"):
            if getattr(transition, end) not in states:
                value = getattr(transition, end)
                yield Violation(field=f"{field}.{end}", message="is not a state", value=value)
        if (transition.source, transition.event) in pairs:
            message = "repeats an event already leaving this state"
            yield Violation(field=field, message=message, value=transition.event)
        pairs.add((transition.source, transition.event))


@attrs.frozen
class Lifecycle:
    """A compiled lifecycle: the python-statemachine class and its transition table."""

    definition: LifecycleDefinition
    machine_class: type[StateMachine]
    table: dict[tuple[str, str], str] = attrs.field(eq=False)

    def target(self, state: str, event: str, *, entity: tuple[str, str] | None = None) -> str:
        """The state ``event`` leads to from ``state``.

        Raises :class:`InvalidTransitionError` naming ``entity`` (its type and id) if given.
        """
        try:
            return self.table[state, event]
        except KeyError:
            raise self._refusal(state, event, entity) from None

    def fire(self, state: str, event: str, *, entity: tuple[str, str] | None = None) -> str:
        """The same as :meth:`target`, computed by running the machine itself."""
        machine = self.machine_class(start_value=state)
        try:
            machine.send(event)
        except TransitionNotAllowed:
            raise self._refusal(state, event, entity) from None
        value: str = machine.current_state_value
        return value

    def allowed_events(self, state: str) -> tuple[str, ...]:
        """The events that ``state`` allows, sorted."""
        return tuple(sorted(event for source, event in self.table if source == state))

    def is_final(self, state: str) -> bool:
        """Whether ``state`` ends the lifecycle."""
        return state in self.definition.finals

    def _refusal(
        self, state: str, event: str, entity: tuple[str, str] | None
    ) -> InvalidTransitionError:
        entity_type, entity_id = entity or (self.definition.name, "*")
        return InvalidTransitionError(
            entity_type,
            entity_id,
            state=state,
            event=event,
            allowed=self.allowed_events(state),
        )


def compile_lifecycle(definition: LifecycleDefinition) -> Lifecycle:
    """The lifecycle of ``definition``, built once per distinct definition and cached.

    Raises :class:`DomainValidationError` naming every problem of the definition, including
    those python-statemachine finds (a state no transition reaches, say).
    """
    raise_violations(definition.problems())
    return _compile(definition)


@lru_cache(maxsize=256)
def _compile(definition: LifecycleDefinition) -> Lifecycle:
    machine_class = _machine_class(definition)
    table = {
        (state.value, str(event)): target.value
        for state in machine_class.states
        for transition in state.transitions
        for event in transition.events
        for target in transition.targets
    }
    return Lifecycle(definition=definition, machine_class=machine_class, table=table)


def _machine_class(definition: LifecycleDefinition) -> type[StateMachine]:
    states = {
        name: State(name, value=name, initial=index == 0, final=name in definition.finals)
        for index, name in enumerate(definition.states)
    }
    namespace: dict[str, Any] = dict(states)
    for transition in definition.transitions:
        moves = states[transition.source].to(states[transition.target], event=transition.event)
        if transition.event in namespace:
            namespace[transition.event] |= moves
        else:
            namespace[transition.event] = moves
    try:
        built = StateMachineMetaclass(definition.name, (StateMachine,), namespace)
        machine_class = cast("type[StateMachine]", built)
    except InvalidDefinition as error:
        raise DomainValidationError.single("definition", str(error)) from None
    return machine_class
