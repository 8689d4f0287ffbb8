"""The JSON Schema of the rule format accepts every rule the converter reads: the examples of
the docs, the tests and the demo, and rules drawn at random; it refuses what the format
forbids (unknown keys and kinds, the former entity names, paths an entity does not have).

``jsonschema`` is not a dependency: a small checker of the keywords the schema uses stands in
for it, and a test makes sure the schema uses no other keyword."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from rule_samples import EXAMPLES, schemas

from crmcore.customfields import CustomField, CustomFieldRegistry, CustomFieldType
from crmcore.demo.story import RULES as DEMO_RULES
from crmcore.errors import DomainValidationError
from crmcore.rules import Rule, default_schemas, parse_rule, rule_json_schema
from crmcore.serialization import make_converter
from crmcore.testing.strategies import rule_steps

CONVERTER: Final = make_converter()
SCHEMA: Final = rule_json_schema(schemas=schemas())  # the custom field and fact of the docs
DOCS: Final = Path(__file__).parents[2] / "docs"
_JSON_TYPES: Final = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_ANNOTATIONS: Final = frozenset({"$schema", "title", "format", "x-crmcore", "$defs"})
_CHECKED: Final = frozenset({
    "$ref", "const", "enum", "type", "pattern", "properties", "required",
    "additionalProperties", "items", "minItems", "anyOf", "oneOf", "allOf", "if", "then",
})  # fmt: skip


def problems(value: Any, root: Mapping[str, Any]) -> list[str]:
    """Where ``value`` breaks the schema ``root`` (a subset of JSON Schema 2020-12)."""
    return list(_Checker(root).check(value, root, "$"))


class _Checker:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def fits(self, value: Any, schema: Mapping[str, Any], at: str) -> bool:
        return not list(self.check(value, schema, at))

    def check(self, value: Any, schema: Mapping[str, Any], at: str) -> Iterator[str]:
        if "$ref" in schema:
            name = schema["$ref"].removeprefix("#/$defs/")
            yield from self.check(value, self.root["$defs"][name], at)
        if "const" in schema and value != schema["const"]:
            yield f"{at}: is not {schema['const']!r}"
        if "enum" in schema and value not in schema["enum"]:
            yield f"{at}: {value!r} is not one of the listed values"
        if "type" in schema:
            kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_JSON_TYPES[kind](value) for kind in kinds):
                yield f"{at}: is not of type {kinds}"
                return
        pattern = schema.get("pattern")
        if pattern is not None and isinstance(value, str) and not re.search(pattern, value):
            yield f"{at}: does not match {pattern}"
        if isinstance(value, dict):
            yield from self._object(value, schema, at)
        if isinstance(value, list):
            yield from self._array(value, schema, at)
        yield from self._combined(value, schema, at)

    def _object(self, value: dict[str, Any], schema: Mapping[str, Any], at: str) -> Iterator[str]:
        known = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key in schema.get("required", ()):
            if key not in value:
                yield f"{at}.{key}: is required"
        for key, item in value.items():
            if key in known:
                yield from self.check(item, known[key], f"{at}.{key}")
            elif extra is False:
                yield f"{at}.{key}: is not a known key"
            elif isinstance(extra, dict):
                yield from self.check(item, extra, f"{at}.{key}")

    def _array(self, value: list[Any], schema: Mapping[str, Any], at: str) -> Iterator[str]:
        if len(value) < schema.get("minItems", 0):
            yield f"{at}: has fewer than {schema['minItems']} items"
        for index, item in enumerate(value):
            if "items" in schema:
                yield from self.check(item, schema["items"], f"{at}[{index}]")

    def _combined(self, value: Any, schema: Mapping[str, Any], at: str) -> Iterator[str]:
        for part in schema.get("allOf", ()):
            yield from self.check(value, part, at)
        if "anyOf" in schema and not any(self.fits(value, p, at) for p in schema["anyOf"]):
            yield f"{at}: fits none of the alternatives"
        if "oneOf" in schema:
            fitting = sum(self.fits(value, p, at) for p in schema["oneOf"])
            if fitting != 1:
                yield f"{at}: fits {fitting} of the alternatives, not exactly one"
        if "if" in schema and self.fits(value, schema["if"], at):
            yield from self.check(value, schema.get("then", {}), at)


def _keywords(node: Any, parent: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, item in node.items():
            if parent not in {"properties", "$defs", "x-crmcore"} and not parent.startswith("x-"):
                yield key
            if key != "x-crmcore":
                yield from _keywords(item, key)
    elif isinstance(node, list):
        for item in node:
            yield from _keywords(item, parent)


def test_the_schema_uses_only_keywords_the_checker_knows() -> None:
    used = set(_keywords(SCHEMA)) - _ANNOTATIONS
    assert used <= _CHECKED


def _doc_rules() -> list[dict[str, Any]]:
    """The rules the docs read with ``converter.structure({...}, Rule)`` from a literal."""
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        lines = [line[4:] for line in page.read_text().splitlines()
                 if line.lstrip().startswith((">>> ", "... "))]  # fmt: skip
        source = "\n".join(line.strip() if line[:1] != " " else line for line in lines)
        for node in ast.walk(_parsed(source)):
            if (
                isinstance(node, ast.Call) and len(node.args) == 2
                and isinstance(node.args[1], ast.Name) and node.args[1].id == "Rule"
                and isinstance(node.args[0], ast.Dict)
            ):  # fmt: skip
                try:
                    found.append(ast.literal_eval(node.args[0]))
                except ValueError:  # built from other values, not a literal
                    continue
    return found


def _parsed(source: str) -> ast.AST:
    statements = []
    for chunk in re.split(r"\n(?=\S)", source):
        try:
            statements.append(ast.parse(chunk))
        except SyntaxError:  # a fragment of a try block or a printed result
            continue
    return ast.Module(body=[s for tree in statements for s in tree.body], type_ignores=[])


DOC_RULES: Final = _doc_rules()


def test_the_docs_hold_example_rules() -> None:
    assert len(DOC_RULES) >= 5


@pytest.mark.parametrize(
    "data", [*EXAMPLES, *DEMO_RULES, *DOC_RULES], ids=lambda d: str(d.get("id"))
)
def test_every_example_rule_fits_the_schema(data: Mapping[str, Any]) -> None:
    CONVERTER.structure(dict(data), Rule)
    assert problems(dict(data), SCHEMA) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_steps())
def test_every_drawn_rule_fits_the_schema(rule: Rule) -> None:
    data = CONVERTER.unstructure(rule)
    assert problems(data, SCHEMA) == []
    assert CONVERTER.structure(data, Rule) == rule


BASE: Final = {
    "id": "thanks", "name": "Thanks", "trigger": {"entity": "partner", "on": "created"},
    "when": {"field": "custom.car_brand", "op": "eq", "value": "Audi"},
    "then": [{"action": "sms_client", "text": "Thank you, {{ short_name }}!"}],
}  # fmt: skip


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data: Any = {**BASE, "trigger": dict(BASE["trigger"]), "when": dict(BASE["when"]),
                 "then": [dict(BASE["then"][0])]}  # fmt: skip
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return data  # type: ignore[no-any-return]


CUSTOM: Final = CustomFieldRegistry().with_field(
    "partner", CustomField(name="car_brand", type=CustomFieldType.CHOICE, choices=("Audi",))
)


def test_custom_fields_of_the_host_are_paths_of_their_entity() -> None:
    schema = rule_json_schema(schemas=default_schemas(CUSTOM))
    assert "custom.car_brand" in schema["x-crmcore"]["entities"]["partner"]["fields"]
    assert schema["x-crmcore"]["entities"]["deal"]["fields"]["partner.custom.car_brand"] == {
        "type": "choice", "writable": False, "choices": ["Audi"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("colour",), "red", "$.colour: is not a known key"),
        (("trigger", "entity"), "company", "$.trigger.entity: 'company' is not one of"),
        (("trigger", "on"), "exploded", "$.trigger.on: 'exploded' is not one of"),
        (("then", 0, "action"), "fax_client", "$.then[0]: fits 0 of the alternatives"),
        (("then", 0, "text"), 7, "$.then[0]: fits 0 of the alternatives"),
        (("when", "field"), "custom.colour", "$.when: fits none of the alternatives"),
        (("when", "op"), "sounds_like", "$.when: fits none of the alternatives"),
        (("priority",), True, "$.priority: is not of type ['integer']"),
    ],
)
def test_the_schema_refuses_what_the_format_forbids(
    path: tuple[Any, ...], value: Any, reason: str
) -> None:
    schema = rule_json_schema(schemas=default_schemas(CUSTOM))
    data = _with(path, value)
    found = problems(data, schema)
    assert any(problem.startswith(reason) for problem in found), found
    with pytest.raises(DomainValidationError):  # the parser refuses it as well
        parse_rule(data, schemas=default_schemas(CUSTOM))


def test_the_base_of_those_mutations_fits() -> None:
    assert problems(dict(BASE), rule_json_schema(schemas=default_schemas(CUSTOM))) == []
