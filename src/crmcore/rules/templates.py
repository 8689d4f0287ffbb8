"""Templates of actions: ``{{ path }}`` placeholders filled from the record, safely.

A template names fields of the record's schema and nothing else: no expressions, no
attribute access, no format specifications. URL templates get their values percent-encoded;
JSON templates get them as JSON values, never spliced into the JSON text.

>>> render_text("Call {{ partner.short_name }} about {{ title }}",
...             {"partner.short_name": "Ромашка", "title": "Tea"})
'Call Ромашка about Tea'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any, Final
from urllib.parse import quote

import attrs

from crmcore.errors import Violation
from crmcore.rules.model import TEMPLATE, Action
from crmcore.validation import CHECKS, raise_violations

__all__ = [
    "PLACEHOLDER",
    "Renderer",
    "compile_template",
    "fill",
    "placeholders",
    "render",
    "render_text",
    "template_fields",
    "template_problems",
]

PLACEHOLDER: Final = re.compile(r"\{\{\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){0,3})\s*\}\}")


_BRACED: Final = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_LONE: Final = re.compile(r"(?<!\{)\{(?!\{)\s*[A-Za-z_][\w.|]*")
_SHOWN: Final = 40


def _quoted(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def _text_problems(text: str) -> Iterator[str]:
    for match in _BRACED.finditer(text):
        if PLACEHOLDER.fullmatch(match.group()) is None:
            yield (
                f"placeholder {_quoted(match.group())} is malformed: a placeholder holds only a "
                "lowercase dotted path, as in {{ partner.short_name }}"
            )
    rest = _BRACED.sub("", text)
    if "{{" in rest:
        yield f"placeholder {_quoted(rest[rest.index('{{') :])} is not closed with '}}}}'"
    elif "}}" in rest:
        yield "'}}' closes no placeholder"
    for match in _LONE.finditer(rest):
        yield f"{_quoted(match.group())} looks like a placeholder: write it in double braces"


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for key, item in node.items():
            yield key
            yield from _strings(item)


def template_problems(kind: str, text: str) -> tuple[str, ...]:
    """Why the placeholders of a template of ``kind`` are malformed (``{{ Title }}``,
    ``{{ title|upper }}``, ``{partner.name``, an unclosed ``{{``); empty when they are not.
    A JSON template's braces are its structure: only its strings are looked at."""
    if kind != "json":
        return tuple(_text_problems(text))
    try:
        parts = list(_strings(json.loads(text)))
    except ValueError:
        return ()  # not JSON at all: the field's own check says so
    return tuple(problem for part in parts for problem in _text_problems(part))


def placeholders(text: str) -> tuple[str, ...]:
    """The paths named by the ``{{ path }}`` placeholders of ``text``, in order."""
    return tuple(match.group(1) for match in PLACEHOLDER.finditer(text))


def _text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(_text_of(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render_text(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each placeholder replaced by its value as text (empty when unknown)."""
    return PLACEHOLDER.sub(lambda match: _text_of(values.get(match.group(1))), text)


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return _text_of(value)


def _render_json(node: Any, values: Mapping[str, object]) -> Any:
    if isinstance(node, str):
        whole = PLACEHOLDER.fullmatch(node)
        return _json_value(values.get(whole.group(1))) if whole else render_text(node, values)
    if isinstance(node, list):
        return [_render_json(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _render_json(item, values) for key, item in node.items()}
    return node


def render(kind: str, text: str, values: Mapping[str, object]) -> str:
    """A template of ``kind`` (text, url, json) filled from ``values``; URL values are
    percent-encoded and JSON values are placed as JSON, never spliced into its text."""
    if kind == "url":
        return PLACEHOLDER.sub(lambda m: _url_text(values.get(m.group(1))), text)
    if kind == "json":
        return json.dumps(_render_json(json.loads(text), values), ensure_ascii=False)
    return render_text(text, values)


def _url_text(value: object) -> str:
    return quote(_text_of(value), safe="")


Renderer = Callable[[Mapping[str, object]], str]


def compile_template(kind: str, text: str) -> Renderer:
    """:func:`render` of one template, split once at its placeholders, so that filling it
    joins its pieces instead of searching the text again."""
    if kind == "json":
        return lambda values: render(kind, text, values)
    pieces = PLACEHOLDER.split(text)  # literal, path, literal, ..., literal
    head, paths, tails = pieces[0], pieces[1::2], pieces[2::2]
    shown = _url_text if kind == "url" else _text_of
    if len(paths) == 1:
        path, tail = paths[0], tails[0]
        return lambda values: head + shown(values.get(path)) + tail
    parts = tuple(zip(paths, tails, strict=True))

    def rendered(values: Mapping[str, object]) -> str:
        found = [head]
        for path, tail in parts:
            found += (shown(values.get(path)), tail)
        return "".join(found)

    return rendered


Check = Callable[[str, Any], Iterable[Violation]]
FieldPlan = tuple[str, Callable[[Any], Any] | None, tuple[Check, ...]]  # name, converter, checks


def fill(action: Action, texts: Mapping[str, str]) -> Action:
    """``action`` with its template fields replaced by ``texts``, each checked by its field's
    own checks; the other fields are valid already, so they are not checked again."""
    cls = type(action)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _fields_of(cls)
    problems: list[Violation] = []
    filled = object.__new__(cls)  # a new instance that nobody else holds yet
    for name, convert, checks in fields:
        if name in texts:
            value: Any = texts[name] if convert is None else convert(texts[name])
            for check in checks:
                problems.extend(check(name, value))
        else:
            value = getattr(action, name)
        object.__setattr__(filled, name, value)
    raise_violations(problems)
    return filled


_FIELDS: Final[dict[type, tuple[FieldPlan, ...]]] = {}


def _fields_of(cls: type) -> tuple[FieldPlan, ...]:
    """Each field of an action class with its converter and checks, read once per class."""
    found = _FIELDS[cls] = tuple(
        (
            field.name,
            field.converter if callable(field.converter) else None,
            tuple(field.metadata.get(CHECKS, ())),
        )
        for field in attrs.fields(cls)
    )
    return found


def template_fields(action: Action) -> Iterator[tuple[str, str, str]]:
    """``(field name, template kind, text)`` of every filled-in template field of ``action``."""
    for field in attrs.fields(type(action)):
        kind = field.metadata.get(TEMPLATE)
        text = getattr(action, field.name)
        if kind is not None and isinstance(text, str):
            yield field.name, kind, text
