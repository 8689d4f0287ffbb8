"""The fifteen built-in actions of the "Then" part of a rule.

An action is data; the engine never performs it. When a rule fires, the engine fills the
action's templates from the record (see :mod:`crmcore.rules.templates`) and hands it to the
host inside a :class:`~crmcore.rules.Command`.

>>> ACTIONS["sms_client"](text="Thank you, {{ partner.short_name }}!").kind
'sms_client'
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import attrs

from crmcore.errors import Violation
from crmcore.rules.assignment import STRATEGIES, Strategy
from crmcore.rules.model import Action, Scalar, field_path, template
from crmcore.validation import (
    FrozenMap,
    bounded_text,
    checks,
    each,
    finite_decimal,
    freeze,
    identifier,
    instance_of,
    invariant,
    optional,
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
    "load_actions",
]

RESPONSIBLE: Final = "responsible"
_TEXT: Final = checks(bounded_text(2000, multiline=True))
_TITLE: Final = checks(bounded_text(500))
_RECIPIENTS: Final = checks(each(identifier))


def _recipients(field: str, value: object) -> Iterator[Violation]:
    yield from each(identifier)(field, value)
    if isinstance(value, tuple) and not value:
        yield Violation(field=field, message="must name at least one recipient")


@attrs.frozen(kw_only=True)
class CreateTask(Action):
    """Create a task for ``assignee`` (the record's responsible manager by default), due
    ``due_in`` after the rule fires; the application layer stores it, linked to the record,
    on a store that keeps tasks (:mod:`crmcore.tasks`)."""

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
    """Start a project from the project plan ``template_id`` (a
    :class:`crmcore.tasks.ProjectPlan` of the application's settings): its tasks, one a
    step, for the record's manager and linked to the record."""

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
    """Change fields of the record: ``{"title": "Urgent", "custom.priority": "high"}``.

    Lifecycle and identity fields (stage, status, pipeline, partner, ids, versions) are refused
    when the rule is checked: they change only through their area's services."""

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
    """Send an SMS to the record's client (its partner or a contact person)."""

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

    @invariant("quantity")
    def _positive(self) -> Iterator[Violation]:
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
