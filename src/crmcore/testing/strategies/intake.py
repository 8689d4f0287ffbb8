"""Strategies for untrusted input (:mod:`crmcore.intake`): what robots and careless callers
send to a form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from hypothesis import strategies as st

__all__ = [
    "hostile_payloads",
    "hostile_texts",
    "hostile_values",
]

_HOSTILE_TEXTS: Final = (
    "<script>alert(1)</script>", "'; DROP TABLE claims; --", "{{7*7}}", "${jndi:ldap://x/a}",
    "../../etc/passwd", "\u202eevil\u202c", "\x00\x1b[31m", "A\u0301\u0301\u0301",
    "\ud800", "ｆｕｌｌｗｉｄｔｈ", "\u200b\ufeff", "=HYPERLINK(\"http://x\")", " " * 50,
)  # fmt: skip


def hostile_texts(*, max_size: int = 300) -> st.SearchStrategy[str]:
    """Text a robot sends to a form: injection-looking strings, control and format
    characters, lone surrogates, combining marks, look-alikes, and very long strings."""
    return st.one_of(
        st.sampled_from(_HOSTILE_TEXTS),
        st.text(max_size=max_size),
        st.text(st.characters(codec=None, categories=("Cc", "Cf", "Cs", "Co", "Mn", "Zs"))),
        st.builds(str.__mul__, st.sampled_from(("a", "я", "\u0301", "<")), st.integers(0, 20_000)),
    )


def hostile_values(*, texts: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    """Any value a decoded JSON body, or a careless caller, may hold: nested junk included."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers() | st.sampled_from((64, 5000)).map(lambda digits: -(10**digits)),
        st.floats(allow_nan=True, allow_infinity=True),
        texts or hostile_texts(),
        st.binary(max_size=20),
    )
    return st.recursive(scalars, _nest_hostile, max_leaves=12)


def _nest_hostile(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)


def hostile_payloads(
    fields: Sequence[str], *, valid: st.SearchStrategy[dict[str, Any]] | None = None
) -> st.SearchStrategy[Any]:
    """Payloads for a form with ``fields``: known and unknown keys with hostile values, a
    ``valid`` payload spoiled in one field, and things that are not mappings at all."""
    keys = st.sampled_from(tuple(fields)) | hostile_texts(max_size=30) | st.integers()
    junk = st.dictionaries(keys, hostile_values(), max_size=len(fields) + 3)
    choices = [junk, hostile_values()]
    if valid is not None:
        spoiled = st.tuples(valid, st.sampled_from(tuple(fields)), hostile_values())
        choices.append(spoiled.map(lambda case: {**case[0], case[1]: case[2]}))
    return st.one_of(choices)
