"""The fifteen built-in actions of the "Then" part of a rule.

An action is data; the engine never performs it. When a rule fires, the engine fills the
action's templates from the record and hands it to the host inside a
:class:`~crmcore.rules.Command`. Templates know only ``{{ path }}`` placeholders that name
fields of the record's schema (``{{ title }}``, ``{{ partner.short_name }}``): no expressions,
no attribute access, nothing a rule author could use to reach beyond the record.

>>> render_text("Call {{ partner.short_name }} about {{ title }}",
...             {"partner.short_name": "Ромашка", "title": "Tea"})
'Call Ромашка about Tea'
"""

from __future__ import annotations

import copy
import enum
import json
import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Final
from urllib.parse import quote, urlsplit

import attrs

from crmcore.errors import Violation
from crmcore.rules.assignment import STRATEGIES, Strategy
from crmcore.rules.model import TEMPLATE, Action, Scalar, field_path, template
from crmcore.validation import (
    FrozenMap,
    bounded_text,
    checks,
    each,
    field_violations,
    finite_decimal,
    freeze,
    identifier,
    instance_of,
    optional,
    raise_violations,
)

__all__ = [
    "ACTIONS",
    "AddProduct",
    "AssignManager",
    "CallWebhook",
    "ChangeCoExecutor",
    "CreateDeal",
    "CreateDocument",
    "CreateInvoice",
    "CreateRequest",
    "CreateTask",
    "EmailToClient",
    "HttpMethod",
    "SendMessage",
    "SetFields",
    "SmsToClient",
    "SmsToEmployee",
    "StartProject",
    "placeholders",
    "render_text",
]

PLACEHOLDER: Final = re.compile(r"\{\{\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){0,3})\s*\}\}")
RESPONSIBLE: Final = "responsible"
_TEXT: Final = checks(bounded_text(2000, multiline=True))
_TITLE: Final = checks(bounded_text(500))
_RECIPIENTS: Final = checks(each(identifier))


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
        return PLACEHOLDER.sub(lambda m: quote(_text_of(values.get(m.group(1))), safe=""), text)
    if kind == "json":
        return json.dumps(_render_json(json.loads(text), values), ensure_ascii=False)
    return render_text(text, values)


def _recipients(field: str, value: object) -> Iterator[Violation]:
    yield from each(identifier)(field, value)
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="must name at least one recipient")


@attrs.frozen(kw_only=True)
class CreateTask(Action):
    """Create a task for ``assignee`` (the record's responsible manager by default), due
    ``due_in`` after the rule fires."""

    kind: ClassVar[str] = "create_task"
    title: str = attrs.field(metadata={**_TITLE, **template()})
    description: str | None = attrs.field(
        default=None,
        metadata={**checks(optional(bounded_text(2000, multiline=True))), **template()},
    )
    assignee: str = attrs.field(default=RESPONSIBLE, metadata=checks(identifier))
    due_in: timedelta | None = None


@attrs.frozen(kw_only=True)
class CreateRequest(Action):
    """Create a request (lead) linked to the record."""

    kind: ClassVar[str] = "create_request"
    title: str = attrs.field(metadata={**_TITLE, **template()})
    source: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(100))))


@attrs.frozen(kw_only=True)
class CreateDeal(Action):
    """Open a deal for the record's partner in ``pipeline_id`` (the host's default if none)."""

    kind: ClassVar[str] = "create_deal"
    title: str = attrs.field(metadata={**_TITLE, **template()})
    pipeline_id: str | None = attrs.field(default=None, metadata=checks(optional(identifier)))


@attrs.frozen(kw_only=True)
class CreateInvoice(Action):
    """Create an invoice for the record, for the amount in ``amount_field`` if given."""

    kind: ClassVar[str] = "create_invoice"
    comment: str | None = attrs.field(
        default=None, metadata={**checks(optional(bounded_text(500))), **template()}
    )
    amount_field: str | None = attrs.field(default=None, metadata=checks(optional(field_path)))

    def paths(self) -> Iterator[tuple[str, str]]:
        """The amount field, if any."""
        if self.amount_field is not None:
            yield "amount_field", self.amount_field


@attrs.frozen(kw_only=True)
class StartProject(Action):
    """Start a project from the host's project template ``template_id``."""

    kind: ClassVar[str] = "start_project"
    name: str = attrs.field(metadata={**_TITLE, **template()})
    template_id: str = attrs.field(metadata=checks(identifier))


def _values(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, Mapping) or not value:
        yield Violation(field=field, message="must map at least one field to its new value")
        return
    for name, item in value.items():
        yield from field_path(field, name)
        if item is not None and not isinstance(item, str | int | bool):
            yield Violation(
                field=f"{field}.{name}", message="must be a string, integer, boolean or null"
            )


@attrs.frozen(kw_only=True)
class SetFields(Action):
    """Change fields of the record: ``{"stage": "negotiation", "custom.priority": "high"}``."""

    kind: ClassVar[str] = "set_fields"
    values: Mapping[str, Scalar] = attrs.field(converter=freeze, metadata=checks(_values))

    def paths(self) -> Iterator[tuple[str, str]]:
        """Every field the action writes."""
        for name in self.values:
            yield f"values.{name}", name


@attrs.frozen(kw_only=True)
class SendMessage(Action):
    """Send an in-system message to users (``"responsible"`` is the record's manager)."""

    kind: ClassVar[str] = "send_message"
    to: tuple[str, ...] = attrs.field(default=(RESPONSIBLE,), metadata=checks(_recipients))
    text: str = attrs.field(metadata={**_TEXT, **template()})


@attrs.frozen(kw_only=True)
class SmsToEmployee(Action):
    """Send an SMS to employees; the host knows their numbers."""

    kind: ClassVar[str] = "sms_employee"
    to: tuple[str, ...] = attrs.field(default=(RESPONSIBLE,), metadata=checks(_recipients))
    text: str = attrs.field(metadata={**checks(bounded_text(1000)), **template()})


@attrs.frozen(kw_only=True)
class SmsToClient(Action):
    """Send an SMS to the record's client (its partner or contact)."""

    kind: ClassVar[str] = "sms_client"
    text: str = attrs.field(metadata={**checks(bounded_text(1000)), **template()})


@attrs.frozen(kw_only=True)
class EmailToClient(Action):
    """Send an email to the record's client."""

    kind: ClassVar[str] = "email_client"
    subject: str = attrs.field(metadata={**_TITLE, **template()})
    body: str = attrs.field(metadata={**checks(bounded_text(20_000, multiline=True)), **template()})


@attrs.frozen(kw_only=True)
class AddProduct(Action):
    """Add ``quantity`` of product ``product_id`` to the record (a deal, request, invoice)."""

    kind: ClassVar[str] = "add_product"
    product_id: str = attrs.field(metadata=checks(identifier))
    quantity: Decimal = attrs.field(default=Decimal(1), metadata=checks(finite_decimal))

    def _invariants(self) -> Iterator[Violation]:
        if isinstance(self.quantity, Decimal) and self.quantity.is_finite() and self.quantity <= 0:
            yield Violation(field="quantity", message="must be above zero", value=self.quantity)


class CoExecutorChange(enum.Enum):
    """Whether a co-executor is added or removed."""

    ADD = "add"
    REMOVE = "remove"


@attrs.frozen(kw_only=True)
class ChangeCoExecutor(Action):
    """Add or remove a co-executor of the record."""

    kind: ClassVar[str] = "co_executor"
    user: str = attrs.field(metadata=checks(identifier))
    change: CoExecutorChange = attrs.field(
        default=CoExecutorChange.ADD, metadata=checks(instance_of(CoExecutorChange))
    )


@attrs.frozen(kw_only=True)
class CreateDocument(Action):
    """Create a document from the host's template ``template_id``, its text filled from the
    record."""

    kind: ClassVar[str] = "create_document"
    template_id: str = attrs.field(metadata=checks(identifier))
    text: str = attrs.field(metadata={**checks(bounded_text(50_000, multiline=True)), **template()})


class HttpMethod(enum.Enum):
    """The HTTP method of a webhook call."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"


def _url(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or len(value) > 2000:
        yield Violation(
            field=field, message="must be a URL of at most 2000 characters", value=value
        )
        return
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc or "{{" in parts.netloc:
        yield Violation(
            field=field,
            message="must be an https URL with a fixed host and no credentials",
            value=value,
        )


def _json_text(field: str, value: object) -> Iterator[Violation]:
    if value is None:
        return
    if not isinstance(value, str) or len(value) > 20_000:
        yield Violation(field=field, message="must be JSON text of at most 20000 characters")
        return
    try:
        json.loads(value)
    except ValueError as error:
        yield Violation(field=field, message=f"must be JSON: {error}")


@attrs.frozen(kw_only=True)
class CallWebhook(Action):
    """Call a webhook: the host signs and sends the request, crmcore only fills it."""

    kind: ClassVar[str] = "call_webhook"
    url: str = attrs.field(metadata={**checks(_url), **template("url")})
    method: HttpMethod = attrs.field(
        default=HttpMethod.POST, metadata=checks(instance_of(HttpMethod))
    )
    body: str | None = attrs.field(
        default=None, metadata={**checks(_json_text), **template("json")}
    )


@attrs.frozen(kw_only=True)
class AssignManager(Action):
    """Make the manager chosen by ``strategy`` responsible for the record; with
    ``working_hours`` only managers at work now are chosen."""

    kind: ClassVar[str] = "assign_manager"
    strategy: Strategy = attrs.field(metadata=checks(instance_of(*STRATEGIES)))
    working_hours: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))


ACTIONS: Final[Mapping[str, type[Action]]] = FrozenMap(
    {
        cls.kind: cls
        for cls in (
            CreateTask, CreateRequest, CreateDeal, CreateInvoice, StartProject, SetFields,
            SendMessage, SmsToEmployee, SmsToClient, EmailToClient, AddProduct,
            ChangeCoExecutor, CreateDocument, CallWebhook, AssignManager,
        )
    }
)  # fmt: skip
"""The built-in action classes by kind."""


def fill(action: Action, texts: Mapping[str, str]) -> Action:
    """``action`` with its template fields replaced by ``texts``, each checked by its field's
    own checks; the other fields are valid already, so they are not checked again."""
    fields = attrs.fields_dict(type(action))
    converted = {}
    problems = []
    for name, text in texts.items():
        field = fields[name]
        value = field.converter(text) if callable(field.converter) else text
        problems.extend(field_violations(type(action), name, text))
        converted[name] = value
    raise_violations(problems)
    filled = copy.copy(action)
    for name, value in converted.items():
        object.__setattr__(filled, name, value)  # a copy that nobody else holds yet
    return filled


def template_fields(action: Action) -> Iterator[tuple[str, str, str]]:
    """``(field name, template kind, text)`` of every filled-in template field of ``action``."""
    for field in attrs.fields(type(action)):
        kind = field.metadata.get(TEMPLATE)
        text = getattr(action, field.name)
        if kind is not None and isinstance(text, str):
            yield field.name, kind, text


def _action_problem(name: str, value: object) -> str | None:
    if not isinstance(value, type) or not issubclass(value, Action):
        return "must be an attrs subclass of crmcore.rules.Action"
    kind: str = value.kind
    if not attrs.has(value):
        return "must be an attrs subclass of crmcore.rules.Action"
    if kind != name:
        return f"has kind {kind!r}, not {name!r} as its entry point"
    return None


def load_actions(**options: Any) -> Mapping[str, type[Action]]:
    """The action classes of the ``crmcore.actions`` entry point group, built-ins included;
    ``options`` go to :func:`crmcore.plugins.load`."""
    from crmcore.plugins import load  # noqa: PLC0415 - plugins load only when asked

    return dict(load("crmcore.actions", validate=_action_problem, **options))
