"""Samples the matching tests share: a model of a name, a phone and an e-mail, and its records."""

from __future__ import annotations

from crmcore.matching import FieldKind, FieldSpec, MatchModel

MODEL = MatchModel(
    fields=[
        FieldSpec(name="name", kind=FieldKind.COMPANY_NAME),
        FieldSpec(name="phone", kind=FieldKind.PHONE),
        FieldSpec(name="email", kind=FieldKind.EMAIL),
    ]
)


def record(
    name: str | None = None, phone: str | None = None, email: str | None = None
) -> dict[str, str | None]:
    """A record of :data:`MODEL`, ``None`` in every field not given."""
    return {"name": name, "phone": phone, "email": email}
