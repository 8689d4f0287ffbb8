"""Quotes rendered as text or HTML from templates, and handed back as an email draft.

Templates use ``$name`` placeholders (:class:`string.Template`): substitution only, no
expressions, attribute access or code, so a template typed by a user cannot run anything.
A template may only name the placeholders in :data:`PLACEHOLDERS`; in HTML every value is
escaped.

>>> template = QuoteTemplate(subject="Offer $quote", body="Dear $partner, total: $total")
>>> sorted(template.placeholders())
['partner', 'quote', 'total']
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from string import Template
from typing import Final

import attrs

from crmcore.agreements.commands import BodyFormat, EmailDraft
from crmcore.agreements.quotes import Quote, QuoteLine
from crmcore.errors import DomainValidationError, Violation
from crmcore.ids import EntityRef
from crmcore.partners.contact_data import Email
from crmcore.tables import text_table
from crmcore.validation import Check, Model, bounded_text, checks, instance_of

__all__ = [
    "DEFAULT_HTML_TEMPLATE",
    "DEFAULT_TEXT_TEMPLATE",
    "PLACEHOLDERS",
    "QuoteTemplate",
    "RenderedQuote",
    "quote_email",
    "render_quote",
]

PLACEHOLDERS: Final = frozenset(
    {"partner", "manager", "quote", "date", "valid_until", "currency", "total", "lines"}
)
"""What a quote template may name: ``$partner``, ``$manager``, ``$quote`` (its id),
``$date``, ``$valid_until``, ``$currency``, ``$total`` and ``$lines`` (a table of lines)."""


def _template(*, multiline: bool) -> Check:
    """Template text that names only :data:`PLACEHOLDERS`."""
    text = bounded_text(100_000 if multiline else 500, multiline=multiline)

    def check(field: str, value: object) -> Iterator[Violation]:
        found = list(text(field, value))
        if found or not isinstance(value, str):
            yield from found
            return
        template = Template(value)
        if not template.is_valid():
            message = "has a '$' that starts no placeholder; write '$$' for a dollar sign"
            yield Violation(field=field, message=message)
            return
        for name in sorted(set(template.get_identifiers()) - PLACEHOLDERS):
            known = ", ".join(sorted(PLACEHOLDERS))
            yield Violation(field=field, message=f"names no placeholder ${name}; use {known}")

    return check


@attrs.frozen(kw_only=True)
class QuoteTemplate(Model):
    """The subject and body of a quote email, with ``$placeholders``, in text or HTML."""

    subject: str = attrs.field(metadata=checks(_template(multiline=False)))
    body: str = attrs.field(metadata=checks(_template(multiline=True)))
    body_format: BodyFormat = attrs.field(
        default=BodyFormat.TEXT, metadata=checks(instance_of(BodyFormat))
    )

    def placeholders(self) -> frozenset[str]:
        """The placeholders the subject and body name."""
        names = Template(self.subject).get_identifiers() + Template(self.body).get_identifiers()
        return frozenset(names)


DEFAULT_TEXT_TEMPLATE: Final = QuoteTemplate(
    subject="Commercial offer $quote",
    body=(
        "Dear $partner,\n\nwe are pleased to offer:\n\n$lines\n\nTotal: $total\n"
        "The offer is valid until $valid_until.\n\nKind regards,\n$manager"
    ),
)
DEFAULT_HTML_TEMPLATE: Final = QuoteTemplate(
    subject="Commercial offer $quote",
    body=(
        "<p>Dear $partner,</p><p>we are pleased to offer:</p>$lines"
        "<p>Total: <b>$total</b><br>The offer is valid until $valid_until.</p>"
        "<p>Kind regards,<br>$manager</p>"
    ),
    body_format=BodyFormat.HTML,
)


@attrs.frozen(kw_only=True)
class RenderedQuote:
    """A quote's email subject and body as rendered from a template."""

    subject: str
    body: str
    body_format: BodyFormat


_HEADERS: Final = ("product", "quantity", "price", "discount %", "amount")


def _cells(line: QuoteLine) -> tuple[str, ...]:
    return (
        line.product,
        str(line.quantity),
        str(line.price.amount),
        str(line.discount),
        str(line.amount.amount),
    )


def _text_table(lines: Sequence[QuoteLine]) -> str:
    return "\n".join(text_table(_HEADERS, [_cells(line) for line in lines], rule=False))


def _html_table(lines: Sequence[QuoteLine]) -> str:
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in _HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in _cells(line)) + "</tr>"
        for line in lines
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def render_quote(
    quote: Quote, template: QuoteTemplate, *, partner_name: str, manager: str = ""
) -> RenderedQuote:
    """``template`` filled in for ``quote``; in HTML every value is escaped."""
    as_html = template.body_format is BodyFormat.HTML
    values = {
        "partner": partner_name,
        "manager": manager,
        "quote": quote.id,
        "date": quote.created_at.date().isoformat(),
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else "-",
        "currency": quote.total.currency,
        "total": str(quote.total),
    }
    subject = Template(template.subject).substitute(values, lines="")
    if as_html:
        values = {name: html.escape(value) for name, value in values.items()}
    table = _html_table(quote.lines) if as_html else _text_table(quote.lines)
    body = Template(template.body).substitute(values, lines=table)
    return RenderedQuote(subject=subject, body=body, body_format=template.body_format)


def quote_email(
    quote: Quote,
    *,
    to: Sequence[Email | str],
    partner_name: str,
    template: QuoteTemplate = DEFAULT_TEXT_TEMPLATE,
    manager: str = "",
    attachments: Sequence[EntityRef] = (),
) -> EmailDraft:
    """An :class:`EmailDraft` of ``quote`` to ``to``, rendered from ``template``, with the
    quote and any further ``attachments`` (an invoice, say) attached by reference."""
    recipients: list[Email] = []
    problems: list[Violation] = []
    for index, address in enumerate(to):
        try:
            recipients.append(
                address if isinstance(address, Email) else Email.parse(address, field="")
            )
        except DomainValidationError as error:
            problems.extend(violation.under(f"to[{index}]") for violation in error.violations)
    if problems:
        raise DomainValidationError(problems)
    rendered = render_quote(quote, template, partner_name=partner_name, manager=manager)
    return EmailDraft(
        to=tuple(recipients),
        subject=rendered.subject,
        body=rendered.body,
        body_format=rendered.body_format,
        attachments=(quote.ref, *attachments),
        regarding=EntityRef(entity_type="partner", entity_id=quote.partner_id),
    )
