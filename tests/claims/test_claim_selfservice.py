"""Self-service intake: a claim from a public form, hostile payloads answered only with one
DomainValidationError listing every problem by field, and nothing created on rejection."""

from datetime import datetime
from typing import Any

import pytest
from claim_samples import MONDAY, SETTINGS
from hypothesis import given
from hypothesis import strategies as st

from crmcore.claims import (
    ClaimChannel,
    ClaimFormLimits,
    ClaimRepository,
    ClaimStatus,
    DocumentKind,
    claim_form,
    register_claim_from_form,
)
from crmcore.errors import DomainValidationError
from crmcore.events import Outcome
from crmcore.ids import ClaimId
from crmcore.memory import MemoryClaimRepository
from crmcore.partners import PartnerRole
from crmcore.testing.strategies import hostile_payloads, hostile_texts

VALID: dict[str, Any] = {
    "name": "Анна Смирнова",
    "email": "a.smirnova@romashka.ru",
    "essence": "Ящики пришли разбитыми,\nтовар повреждён",
}
FIELDS = tuple(claim_form(SETTINGS, ClaimFormLimits()).fields)


def submit(payload: object, repository: ClaimRepository) -> Outcome[Any]:
    """What a host's web handler does: register from the form, then store the claim."""
    outcome = register_claim_from_form(
        payload,  # type: ignore[arg-type]
        claim_id=ClaimId("c-1"),
        now=MONDAY,
        settings=SETTINGS,
    )
    repository.add(outcome.entity)
    return outcome


def test_a_complete_form_registers_a_self_service_claim() -> None:
    repository = MemoryClaimRepository()
    outcome = submit(
        {
            **VALID,
            "phone": "8 (495) 123-45-67",
            "role": "dealer",
            "requested_outcome": "Заменить товар",
            "reasons": ["packaging", "quality"],
            "claim_type": "warranty",
            "documents": [{"kind": "shipment", "number": "РН-0042"}],
            "attachments": [{"name": "фото 1.jpg", "media_type": "image/jpeg", "size": 204800}],
        },
        repository,
    )
    claim = repository.get(ClaimId("c-1"))
    assert claim == outcome.entity
    assert claim.channel is ClaimChannel.SELF_SERVICE
    assert claim.status is ClaimStatus.REGISTERED
    assert claim.claimant.role is PartnerRole.DEALER
    assert claim.claimant.phone is not None
    assert claim.claimant.phone.number == "+74951234567"
    assert claim.essence == VALID["essence"]
    assert claim.reasons == ("packaging", "quality")
    assert claim.linked_documents[0].kind is DocumentKind.SHIPMENT
    assert claim.attachments[0].size == 204800
    assert claim.response_due == datetime(2026, 6, 1, 12, 0, tzinfo=MONDAY.tzinfo)
    assert [event.name for event in outcome.events] == ["claim.registered"]


def test_text_is_cleaned_of_control_characters_and_normalized() -> None:
    outcome = submit(
        {**VALID, "name": " Anna\u200b\u202e Petrova\x00 ", "essence": "Cafe\u0301\r\nline"},
        MemoryClaimRepository(),
    )
    assert outcome.entity.claimant.name == "Anna Petrova"
    assert outcome.entity.essence == "Café\nline"


def test_every_problem_of_a_hostile_form_is_listed_by_field() -> None:
    repository = MemoryClaimRepository()
    with pytest.raises(DomainValidationError) as caught:
        submit(
            {
                "name": {"$ne": None},
                "email": "admin@localhost'; --",
                "phone": "+7 000",
                "essence": "x" * 100_000,
                "role": "admin",
                "reasons": ["packaging", "<script>"],
                "attachments": [{"name": "a.exe", "media_type": "application/x-msdownload",
                                 "size": -1, "content": "TVqQAAMAAAAEAAAA"}],
                "status": "closed",
            },
            repository,
        )  # fmt: skip
    assert caught.value.fields == (
        "status",
        "name",
        "email",
        "phone",
        "role",
        "essence",
        "reasons[1]",
        "attachments[0].content",
        "attachments[0].media_type",
        "attachments[0].size",
    )
    assert len(str(caught.value)) < 2000
    assert repository.find() == []


def test_contact_data_is_required_to_answer_the_claimant() -> None:
    with pytest.raises(DomainValidationError) as caught:
        submit({"name": "Anna", "essence": "Broken"}, MemoryClaimRepository())
    assert caught.value.fields == ("email",)


def test_limits_are_configurable() -> None:
    limits = ClaimFormLimits(essence=10, attachments=1)
    with pytest.raises(DomainValidationError) as caught:
        register_claim_from_form(
            {**VALID, "attachments": [{}, {}]},
            claim_id=ClaimId("c-1"), now=MONDAY, settings=SETTINGS, limits=limits,
        )  # fmt: skip
    assert caught.value.fields == ("essence", "attachments")
    with pytest.raises(DomainValidationError) as caught:
        ClaimFormLimits(essence=10**6, name=-1, media_types=frozenset({"exe"}))
    assert caught.value.fields == ("name", "essence", "media_types[0]")


@given(hostile_payloads(FIELDS, valid=st.just(VALID)))
def test_hostile_payloads_raise_only_the_typed_error_and_create_nothing(payload: Any) -> None:
    repository = MemoryClaimRepository()
    try:
        submit(payload, repository)
    except DomainValidationError as error:
        problems = error.violations
    else:
        problems = ()
    if problems:
        assert repository.find() == []
        assert all(v.field for v in problems)
    else:
        assert [c.channel for c in repository.find()] == [ClaimChannel.SELF_SERVICE]


@given(field=st.sampled_from(("name", "essence", "email")), text=hostile_texts())
def test_hostile_text_in_any_field_is_taken_clean_or_refused_by_that_field(
    field: str, text: str
) -> None:
    try:
        outcome = submit({**VALID, field: text}, MemoryClaimRepository())
    except DomainValidationError as error:
        fields = error.fields
    else:
        fields = ()
        claim = outcome.entity
        stored = {"name": claim.claimant.name, "essence": claim.essence}.get(field)
        assert stored is None or stored == stored.strip()
    assert fields in {(), (field,)}
