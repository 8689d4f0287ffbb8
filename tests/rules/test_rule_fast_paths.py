"""The engine's fast paths give what the plain ones give: compiled templates render as the
templates themselves do."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crmcore.rules.templates import compile_template, render

_PATHS = ("title", "amount", "partner.region", "tags")
_VALUES = st.none() | st.text(max_size=5) | st.decimals(allow_nan=False, allow_infinity=False)
_PIECES = st.sampled_from(("", "Call ", " about ", "&?=", "{{", "}}", "{ title }", "{{ Title }}"))
_PLACEHOLDERS = st.sampled_from(_PATHS).flatmap(
    lambda path: st.sampled_from((f"{{{{ {path} }}}}", f"{{{{{path}}}}}"))
)


@given(
    st.sampled_from(("text", "url")),
    st.lists(_PIECES | _PLACEHOLDERS, max_size=6).map("".join),
    st.fixed_dictionaries({}, optional=dict.fromkeys(_PATHS, _VALUES | st.tuples(_VALUES))),
)
def test_compiled_templates_render_as_templates_do(
    kind: str, text: str, values: dict[str, object]
) -> None:
    assert compile_template(kind, text)(values) == render(kind, text, values)


def test_compiled_json_templates_place_values_as_json() -> None:
    values = {"title": 'Tea "green"', "amount": Decimal("10.50")}
    text = '{"t": "{{ title }}", "n": "{{ amount }}", "s": "a {{ title }}"}'
    assert compile_template("json", text)(values) == render("json", text, values)
