"""Reading untrusted input from public forms: every field checked, every problem reported.

A self-service web form sends whatever a visitor (or a robot) puts into it: wrong types,
megabytes of text, nested junk, control characters, look-alike Unicode, fields that do not
exist. An :class:`IntakeForm` declares the fields it accepts and reads a payload into clean
Python values, or raises one :class:`~crmcore.errors.DomainValidationError` that names every
problem by field. Reading never raises anything else and never changes anything.

Text is cleaned before it is checked: Unicode is normalized (NFC by default), control,
format and surrogate characters are removed (a multi-line field keeps line breaks and tabs),
and surrounding whitespace is trimmed. Text that merely *looks* dangerous (``<script>``,
``'; DROP TABLE``) is kept as typed: it is data here, and escaping it is the job of whoever
renders or stores it.

>>> form = IntakeForm(fields={
...     "name": TextField(max_length=50),
...     "message": TextField(max_length=500, multiline=True),
...     "urgent": FlagField(required=False),
... })
>>> form.read({"name": " Anna\\u200b ", "message": "Line one\\r\\nLine two\\x00"})
{'name': 'Anna', 'message': 'Line one\\nLine two'}
>>> form.read({"name": 5, "mesage": "hi"})
Traceback (most recent call last):
...
crmcore.errors.DomainValidationError: mesage: is not a known field; name: must be a string...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal, Protocol

import attrs

from crmcore.errors import DomainValidationError, Violation

__all__ = [
    "ChoiceField",
    "FieldReader",
    "FlagField",
    "IntakeForm",
    "IntegerField",
    "ListField",
    "NestedField",
    "ParsedField",
    "SpamRules",
    "TextField",
    "TrapField",
    "clean_input_text",
]

Normalization = Literal["NFC", "NFKC"]
_REMOVED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co"})
_LINE_BREAKS: Final = frozenset("\n\u2028\u2029\x85")
# The reader gives up on text this many times longer than allowed without cleaning it.
_RAW_LENGTH_FACTOR: Final = 4
_MAX_REPORTED_UNKNOWN: Final = 20
_LINK: Final = re.compile(r"(?i)\b(?:https?://|www\.)([^\s/?#<>\"']+)")
_EMAIL_DOMAIN: Final = re.compile(r"@([^\s@<>\"',;]+)")


def clean_input_text(raw: str, *, multiline: bool = False, form: Normalization = "NFC") -> str:
    """``raw`` normalized, without control, format or surrogate characters, trimmed.

    A multi-line text keeps its line breaks (as ``\\n``) and tabs; a single-line text gets a
    space for each run of whitespace.

    >>> clean_input_text("  Cafe\\u0301\\u202e  bar\\n")
    'Café bar'
    >>> clean_input_text("a\\r\\nb\\u2028c", multiline=True)
    'a\\nb\\nc'
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for character in text:
        if character in _LINE_BREAKS:
            kept.append("\n" if multiline else " ")
        elif character == "\t":
            kept.append("\t" if multiline else " ")
        elif unicodedata.category(character) not in _REMOVED_CATEGORIES:
            kept.append(character)
    # Normalize after removing surrogates: a lone surrogate cannot be normalized.
    cleaned = unicodedata.normalize(form, "".join(kept))
    if multiline:
        return "\n".join(line.rstrip() for line in cleaned.strip().split("\n"))
    return " ".join(cleaned.split())


class FieldReader(Protocol):
    """Reads the raw value of one field into a clean value, or says what is wrong with it."""

    @property
    def required(self) -> bool:
        """Whether a payload without the field (or with ``None`` in it) is refused."""
        ...

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The clean value and no violations, or anything and the violations found."""
        ...


@attrs.frozen(kw_only=True)
class TextField:
    """A string of at most ``max_length`` characters after cleaning."""

    max_length: int
    required: bool = True
    multiline: bool = False
    min_length: int = 1
    normalization: Normalization = "NFC"

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The cleaned text, or why it cannot be taken."""
        if not isinstance(raw, str):
            return None, [Violation(field=field, message="must be a string", value=_shown(raw))]
        if len(raw) > self.max_length * _RAW_LENGTH_FACTOR:
            return None, [self._too_long(field, len(raw))]
        text = clean_input_text(raw, multiline=self.multiline, form=self.normalization)
        if len(text) > self.max_length:
            return None, [self._too_long(field, len(text))]
        if len(text) < self.min_length:
            message = "must not be blank" if self.min_length == 1 else "is too short"
            return None, [Violation(field=field, message=message)]
        return text, []

    def _too_long(self, field: str, length: int) -> Violation:
        message = f"must be at most {self.max_length} characters, not {length}"
        return Violation(field=field, message=message)


@attrs.frozen(kw_only=True)
class ParsedField:
    """Text that ``parse`` turns into a value (an email, a phone), after cleaning.

    ``parse(text)`` returns the value or raises ``DomainValidationError``, whose violations
    are reported under the form's field; the partners area's ``Email.parse`` and
    ``Phone.parse`` fit as they are.
    """

    parse: Callable[[str], object]
    max_length: int = 254
    required: bool = True

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The parsed value, or the parser's violations under ``field``."""
        text, problems = TextField(max_length=self.max_length).read(field, raw)
        if problems:
            return None, problems
        try:
            return self.parse(str(text)), []
        except DomainValidationError as error:
            return None, [attrs.evolve(v, field=field) for v in error.violations]


@attrs.frozen(kw_only=True)
class ChoiceField:
    """One of a fixed set of strings, mapped to the value it stands for."""

    choices: Mapping[str, object]
    required: bool = True

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The value of the chosen key, or the list of allowed keys."""
        if isinstance(raw, str) and raw in self.choices:
            return self.choices[raw], []
        allowed = ", ".join(sorted(self.choices))
        return None, [
            Violation(field=field, message=f"must be one of {allowed}", value=_shown(raw))
        ]


@attrs.frozen(kw_only=True)
class IntegerField:
    """A whole number within ``minimum`` and ``maximum`` (never a bool, float or string)."""

    minimum: int = 0
    maximum: int = 2**31 - 1
    required: bool = True

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The number, or the range it must lie in."""
        if (
            isinstance(raw, int)
            and not isinstance(raw, bool)
            and self.minimum <= raw <= self.maximum
        ):
            return raw, []
        message = f"must be a whole number from {self.minimum} to {self.maximum}"
        return None, [Violation(field=field, message=message, value=_shown(raw))]


@attrs.frozen(kw_only=True)
class FlagField:
    """``true`` or ``false``."""

    required: bool = True

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The flag, or why it is not one."""
        if isinstance(raw, bool):
            return raw, []
        return None, [Violation(field=field, message="must be true or false", value=_shown(raw))]


@attrs.frozen(kw_only=True)
class ListField:
    """A list of at most ``max_items`` items, each read by ``item``; paths get ``[i]``."""

    item: FieldReader
    max_items: int
    required: bool = True

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The items as a tuple, or every problem of every item."""
        if not isinstance(raw, list | tuple):
            return None, [Violation(field=field, message="must be a list", value=_shown(raw))]
        if len(raw) > self.max_items:
            message = f"must have at most {self.max_items} items, not {len(raw)}"
            return None, [Violation(field=field, message=message)]
        values: list[object] = []
        problems: list[Violation] = []
        for index, entry in enumerate(raw):
            value, found = self.item.read(f"{field}[{index}]", entry)
            values.append(value)
            problems.extend(found)
        return tuple(values), problems


@attrs.frozen(kw_only=True)
class NestedField:
    """An object read by its own :class:`IntakeForm`; paths get ``.name``."""

    form: IntakeForm
    required: bool = True

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """The object's clean values, or its problems under ``field``."""
        values, problems = self.form.read_with_violations(raw)
        return values, [v.under(field) for v in problems]


@attrs.frozen(kw_only=True)
class IntakeForm:
    """The fields a form accepts, by name; anything else in a payload is refused."""

    fields: Mapping[str, FieldReader]

    def read(self, payload: object) -> dict[str, object]:
        """The clean values of the fields present in ``payload`` (a mapping of names).

        Raises :class:`DomainValidationError` naming every unknown, missing and bad field.
        """
        values, problems = self.read_with_violations(payload)
        if problems:
            raise DomainValidationError(problems)
        return values

    def read_with_violations(self, payload: object) -> tuple[dict[str, object], list[Violation]]:
        """The clean values read so far and every problem found, for callers that add
        their own checks before reporting everything at once."""
        if not isinstance(payload, Mapping):
            return {}, [Violation(field="$", message="must be an object", value=_shown(payload))]
        problems = list(self._unknown(payload))
        values: dict[str, object] = {}
        for name, reader in self.fields.items():
            if name not in payload or payload[name] is None:
                if reader.required:
                    problems.append(Violation(field=name, message="is required"))
                continue
            value, found = reader.read(name, payload[name])
            problems.extend(found)
            if not found:
                values[name] = value
        return values, problems

    def _unknown(self, payload: Mapping[Any, object]) -> Iterator[Violation]:
        unknown = [key for key in payload if not (isinstance(key, str) and key in self.fields)]
        for key in unknown[:_MAX_REPORTED_UNKNOWN]:
            plain = isinstance(key, str) and key.isprintable() and key.strip() == key != ""
            yield Violation(
                field=_shown(key if plain else repr(key)), message="is not a known field"
            )
        if len(unknown) > _MAX_REPORTED_UNKNOWN:
            extra = len(unknown) - _MAX_REPORTED_UNKNOWN
            yield Violation(field="$", message=f"has {extra} more unknown fields")


@attrs.frozen(kw_only=True)
class TrapField:
    """A honeypot: a field hidden from people, so only a robot fills it in.

    Reading never fails: the value is whether the field was filled, for :class:`SpamRules`
    to judge; a robot learns nothing from a validation message.
    """

    required: bool = False

    def read(self, field: str, raw: object) -> tuple[object, list[Violation]]:
        """``True`` when anything but an empty string came in."""
        return raw != "", []


@attrs.frozen(kw_only=True)
class SpamRules:
    """Signs of obvious spam in a form's clean values: a filled honeypot, too many links in
    one field, a link or an email address at a blocked domain (or a subdomain of one).

    >>> rules = SpamRules(max_links=1, blocked_domains=frozenset({"spam.example"}))
    >>> form = IntakeForm(fields={"message": TextField(max_length=500), **rules.trap_fields()})
    >>> values = form.read({"message": "see www.a.example and https://b.example", "website": ""})
    >>> [str(v) for v in rules.problems(values)]
    ['message: has 2 links, at most 1 are allowed']
    >>> for problem in rules.problems({"email": "bot@mail.spam.example", "website": True}):
    ...     print(problem)
    website: is a trap field that people leave empty
    email: uses the blocked domain mail.spam.example
    """

    honeypot: str | None = "website"
    max_links: int = 2
    blocked_domains: frozenset[str] = frozenset()

    def trap_fields(self) -> dict[str, FieldReader]:
        """The honeypot field to add to a form's fields (none when there is no honeypot)."""
        return {} if self.honeypot is None else {self.honeypot: TrapField()}

    def problems(self, values: Mapping[str, object]) -> list[Violation]:
        """Every sign of spam in ``values`` (clean values read by a form), by field."""
        found: list[Violation] = []
        if self.honeypot is not None and values.get(self.honeypot) is True:
            message = "is a trap field that people leave empty"
            found.append(Violation(field=self.honeypot, message=message))
        for field, value in values.items():
            if field == self.honeypot:
                continue
            found.extend(self._text_problems(field, " ".join(_texts(value))))
        return found

    def _text_problems(self, field: str, text: str) -> Iterator[Violation]:
        links = _LINK.findall(text)
        if len(links) > self.max_links:
            message = f"has {len(links)} links, at most {self.max_links} are allowed"
            yield Violation(field=field, message=message)
        for domain in dict.fromkeys([*links, *_EMAIL_DOMAIN.findall(text)]):
            host = domain.lower().split(":")[0].rstrip(".")
            if any(host == d or host.endswith(f".{d}") for d in self.blocked_domains):
                yield Violation(field=field, message=f"uses the blocked domain {_shown(host)}")
                return


def _texts(value: object) -> Iterator[str]:
    """The text in a clean value: strings, items of lists, values of nested objects, and the
    text form of parsed values (an email address)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif value is not None and not isinstance(value, bool | int | float):
        yield str(value)


def _shown(value: object) -> Any:
    """``value`` if it is small and plain, else a short description: hostile input must not
    reach logs whole through an error message."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        # Python refuses to print an int of more than 4300 digits; nobody needs to read it.
        return value if abs(value) < 10**18 else "<a very large integer>"
    if isinstance(value, str):
        text = value[:60]
        return "".join(
            c if unicodedata.category(c) not in _REMOVED_CATEGORIES else "?" for c in text
        )
    return f"<{type(value).__name__}>"
