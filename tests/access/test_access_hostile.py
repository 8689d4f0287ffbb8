"""Hostile policies: whatever an admin screen sends, reading it either gives a policy or
one DomainValidationError, and nothing else escapes."""

from __future__ import annotations

from typing import Any

from access_samples import POLICY_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcore.access import AccessControl, AccessPolicy, parse_policy
from crmcore.errors import DomainValidationError
from crmcore.serialization import make_converter
from crmcore.testing.strategies.intake import hostile_payloads, hostile_values

_CONVERTER = make_converter()
_FIELDS = ("departments", "users", "roles", "sensitive")


def _spoiled(data: dict[str, Any], section: str, index: int, key: str, value: Any) -> Any:
    entries = list(data.get(section, ()))
    if entries:
        entries[index % len(entries)] = {**entries[index % len(entries)], key: value}
    return {**data, section: entries}


_ENTRY_KEYS = st.sampled_from(
    ("id", "parent", "head", "department", "roles", "permissions", "kind", "field", "right")
)


@settings(max_examples=150)
@given(
    payload=st.one_of(
        hostile_payloads(_FIELDS, valid=st.just(dict(POLICY_DATA))),
        st.builds(
            _spoiled,
            st.just(dict(POLICY_DATA)),
            st.sampled_from(_FIELDS),
            st.integers(0, 10),
            _ENTRY_KEYS,
            hostile_values(),
        ),
    )
)
def test_a_hostile_policy_is_read_or_refused_with_a_typed_error(payload: Any) -> None:
    found: list[DomainValidationError] = []
    try:
        policy = parse_policy(payload, converter=_CONVERTER)
    except DomainValidationError as error:
        found.append(error)
    else:
        assert isinstance(policy, AccessPolicy)
        AccessControl(policy)
    assert all(error.violations for error in found)
