"""Lifecycles: python-statemachine is the definition; the compiled table always agrees."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError, InvalidTransitionError
from crmcore.lifecycle import Lifecycle, LifecycleDefinition, Transition, compile_lifecycle

APPROVAL = LifecycleDefinition(
    name="Approval",
    states=("draft", "on_approval", "approved", "closed"),
    finals=frozenset({"closed"}),
    transitions=(
        Transition("submit", "draft", "on_approval"),
        Transition("approve", "on_approval", "approved"),
        Transition("reject", "on_approval", "draft"),
        Transition("close", "approved", "closed"),
    ),
)


@st.composite
def definitions(draw: st.DrawFn) -> LifecycleDefinition:
    """Connected lifecycles without final states (so any extra move is valid): each state is
    reached from an earlier one, plus random extra moves."""
    count = draw(st.integers(min_value=2, max_value=7))
    states = tuple(f"s{i}" for i in range(count))
    events = ("go", "back", "skip", "stop")
    moves: dict[tuple[str, str], str] = {}
    for index in range(1, count):
        source = states[draw(st.integers(min_value=0, max_value=index - 1))]
        event = draw(st.sampled_from(events).filter(lambda e, s=source: (s, e) not in moves))
        moves[source, event] = states[index]
    extras = st.tuples(st.sampled_from(states), st.sampled_from(events), st.sampled_from(states))
    for source, event, target in draw(st.lists(extras, max_size=8)):
        moves.setdefault((source, event), target)
    for state in set(states) - {source for source, _ in moves}:
        moves[state, "reset"] = states[0]  # python-statemachine wants a way out of every state
    transitions = tuple(Transition(e, s, t) for (s, e), t in sorted(moves.items()))
    return LifecycleDefinition(name="Random", states=states, transitions=transitions)


def outcome(lifecycle: Lifecycle, how: str, state: str, event: str) -> str:
    try:
        return getattr(lifecycle, how)(state, event)  # type: ignore[no-any-return]
    except InvalidTransitionError as error:
        return f"refused; allowed {error.allowed}"


@given(definitions())
def test_table_agrees_with_the_machine_everywhere(definition: LifecycleDefinition) -> None:
    lifecycle = compile_lifecycle(definition)
    for state in definition.states:
        for event in ("go", "back", "skip", "stop", "reset", "nonsense"):
            assert outcome(lifecycle, "target", state, event) == outcome(
                lifecycle, "fire", state, event
            )


def test_compiled_once_per_distinct_definition() -> None:
    assert compile_lifecycle(APPROVAL) is compile_lifecycle(APPROVAL)


def test_refusal_names_the_entity_and_the_allowed_events() -> None:
    lifecycle = compile_lifecycle(APPROVAL)
    with pytest.raises(InvalidTransitionError) as error:
        lifecycle.target("draft", "approve", entity=("agreement", "a-1"))
    assert (error.value.entity_type, error.value.entity_id) == ("agreement", "a-1")
    assert (error.value.state, error.value.event, error.value.allowed) == (
        "draft",
        "approve",
        ("submit",),
    )
    again = pickle.loads(pickle.dumps(error.value))
    assert (again.state, again.allowed) == ("draft", ("submit",))


def test_final_states_allow_nothing() -> None:
    lifecycle = compile_lifecycle(APPROVAL)
    assert lifecycle.is_final("closed")
    assert not lifecycle.is_final("draft")
    assert lifecycle.allowed_events("closed") == ()


def test_every_problem_of_a_definition_is_reported() -> None:
    broken = LifecycleDefinition(
        name="broken",
        states=("a", "a", "B"),
        transitions=(Transition("Go", "a", "z"), Transition("Go", "a", "a")),
        finals=frozenset({"q"}),
    )
    with pytest.raises(DomainValidationError) as error:
        compile_lifecycle(broken)
    assert error.value.fields == (
        "name",
        "states[1]",
        "states[2]",
        "transitions[0].event",
        "transitions[0].target",
        "transitions[1].event",
        "transitions[1]",
        "finals",
    )


@pytest.mark.parametrize(
    "definition",
    [
        LifecycleDefinition(
            name="Island", states=("a", "b", "c"), transitions=(Transition("go", "a", "b"),)
        ),
        LifecycleDefinition(
            name="LeakyEnd",
            states=("a", "b"),
            transitions=(Transition("go", "a", "b"), Transition("back", "b", "a")),
            finals=frozenset({"b"}),
        ),
    ],
)
def test_python_statemachine_validation_becomes_a_typed_error(
    definition: LifecycleDefinition,
) -> None:
    with pytest.raises(DomainValidationError) as error:
        compile_lifecycle(definition)
    assert error.value.field == "definition"
