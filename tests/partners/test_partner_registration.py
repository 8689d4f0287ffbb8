"""The registration assistant: registry completion, exact conflicts, fuzzy duplicates, force."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from crmcore.errors import DomainValidationError
from crmcore.events import Outcome
from crmcore.ids import PartnerId
from crmcore.matching import DuplicateIndex, MatchModel
from crmcore.memory.partners import MemoryPartnerRepository
from crmcore.partners import (
    AddressKind,
    Partner,
    PartnerDraft,
    PartnerRegistered,
    create_partner,
)
from crmcore.partners.registration import (
    PossibleDuplicates,
    RegistryEntry,
    complete_from_registry,
    register_partner,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Register = Callable[..., Outcome[Partner] | PossibleDuplicates]
ROMASHKA = PartnerDraft(
    kind="legal_entity",
    roles=["client"],
    short_name="ООО «Ромашка»",
    tax_id="7707083893",
    kpp="770701001",
    phones=["+7 (495) 123-45-67"],
)


class Registry:
    """A state registry that knows one company and counts the look-ups."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    def find(self, tax_id: str, *, kpp: str | None = None) -> RegistryEntry | None:
        self.asked.append((tax_id, kpp))
        if tax_id != "5001007329":
            return None
        return RegistryEntry(
            short_name="Лютик",
            full_name="Общество с ограниченной ответственностью «Лютик»",
            kpp="500101001",
            registration_number="1025000000002",
            legal_address="г. Химки, ул. Ленина, д. 1",
            phones=("+7 495 000-00-01",),
        )


@pytest.fixture
def known() -> tuple[MemoryPartnerRepository, DuplicateIndex]:
    """A base holding Romashka, saved and indexed as a host would."""
    repository = MemoryPartnerRepository()
    index = DuplicateIndex(MatchModel.for_partners())
    partner = create_partner(ROMASHKA, now=NOW, partner_id=PartnerId("p-1")).entity
    repository.add(partner)
    index.add(partner.id, partner)
    return repository, index


@pytest.fixture
def register(known: tuple[MemoryPartnerRepository, DuplicateIndex]) -> Register:
    """``register_partner`` against the known base at ``NOW``; keywords given replace these."""
    repository, index = known
    return partial(register_partner, repository=repository, index=index, now=NOW)


def client(**fields: Any) -> PartnerDraft:
    """The draft of an organization registered as a client."""
    return PartnerDraft(kind="legal_entity", roles=["client"], **fields)


def test_a_new_partner_is_registered_with_its_event(
    known: tuple[MemoryPartnerRepository, DuplicateIndex], register: Register
) -> None:
    repository, _ = known
    draft = PartnerDraft(kind="legal_entity", roles=["supplier"], short_name="ООО «Василёк»")
    result = register(draft)
    assert isinstance(result, Outcome)
    assert result.entity.short_name == "ООО «Василёк»"
    (event,) = result.events
    assert isinstance(event, PartnerRegistered)
    assert event.duplicate_check_overridden is False
    assert repository.count() == 1  # Nothing is stored: the host saves the outcome.


def test_a_transliterated_name_with_the_same_phone_is_a_possible_duplicate(
    register: Register,
) -> None:
    result = register(client(short_name="Romashka LLC", phones=["8 495 1234567"]))
    assert isinstance(result, PossibleDuplicates)
    (candidate,) = result.candidates
    assert candidate.partner.id == "p-1"
    assert candidate.exact is False
    assert candidate.probability > 0.9
    evidence = {e.field: (e.left, e.right) for e in candidate.explanation}
    assert evidence["short_name"] == ("romashka", "romashka")
    assert evidence["phone"] == ("4951234567", "4951234567")
    assert result.exact == ()


def test_the_same_tax_id_and_kpp_is_an_exact_conflict(register: Register) -> None:
    draft = client(short_name="Совсем другое имя", tax_id="7707083893", kpp="770701001")
    result = register(draft)
    assert isinstance(result, PossibleDuplicates)
    assert [c.partner.id for c in result.exact] == ["p-1"]
    assert result.candidates[0].exact is True
    assert result.candidates[0].probability == 1.0


def test_a_branch_with_another_kpp_is_not_an_exact_conflict(
    register: Register,
) -> None:
    result = register(client(short_name="Филиал в Казани", tax_id="7707083893", kpp="165501001"))
    # The same tax id is strong evidence, but a branch is not an exact conflict.
    assert isinstance(result, PossibleDuplicates)
    assert [(c.partner.id, c.exact) for c in result.candidates] == [("p-1", False)]
    assert result.exact == ()


def test_force_registers_and_records_the_override(register: Register) -> None:
    draft = client(short_name="Romashka LLC", phones=["8 495 1234567"])
    result = register(draft, force=True, partner_id=PartnerId("p-2"))
    assert isinstance(result, Outcome)
    assert result.entity.id == "p-2"
    (event,) = result.events
    assert isinstance(event, PartnerRegistered)
    assert event.duplicate_check_overridden is True


def test_force_without_candidates_overrides_nothing(register: Register) -> None:
    result = register(client(short_name="Незабудка"), force=True)
    assert isinstance(result, Outcome)
    assert result.events[0].duplicate_check_overridden is False  # type: ignore[attr-defined]


def test_the_registry_fills_what_is_missing_and_keeps_what_was_typed() -> None:
    registry = Registry()
    draft = PartnerDraft(
        kind="legal_entity", roles=["client"], short_name="Лютик (Химки)", tax_id="5001007329"
    )
    completed = complete_from_registry(draft, registry)
    assert registry.asked == [("5001007329", None)]
    assert completed.short_name == "Лютик (Химки)"
    assert completed.full_name == "Общество с ограниченной ответственностью «Лютик»"
    assert completed.kpp == "500101001"
    assert completed.phones == ("+7 495 000-00-01",)
    assert completed.addresses[0].kind is AddressKind.LEGAL  # type: ignore[union-attr]
    blank = PartnerDraft(kind="legal_entity", roles=["client"], short_name=" ", tax_id="5001007329")
    assert complete_from_registry(blank, registry).short_name == "Лютик"
    unknown = PartnerDraft(kind="legal_entity", roles=["client"], short_name="X", tax_id="1")
    assert complete_from_registry(unknown, registry) is unknown
    assert complete_from_registry(draft, None) is draft


def test_a_completed_draft_is_registered(register: Register) -> None:
    result = register(client(short_name="", tax_id="5001007329"), registry_lookup=Registry())
    assert isinstance(result, Outcome)
    partner = result.entity
    assert partner.short_name == "Лютик"
    assert partner.legal is not None
    assert partner.legal.kpp == "500101001"
    assert partner.phones[0].number == "+74950000001"


def test_an_invalid_draft_is_rejected_with_every_problem(register: Register) -> None:
    draft = PartnerDraft(kind="alien", roles=["client"], short_name="", phones=["not a phone"])
    with pytest.raises(DomainValidationError) as caught:
        register(draft)
    assert {"kind", "short_name"} <= {f.split("[")[0] for f in caught.value.fields}


def test_a_partner_the_repository_lost_is_not_offered(register: Register) -> None:
    draft = client(short_name="Romashka LLC", phones=["8 495 1234567"])
    result = register(draft, repository=MemoryPartnerRepository())
    assert isinstance(result, Outcome)


@pytest.mark.parametrize(
    ("identifier", "rule"),
    [
        ({"phones": ["8 (495) 123-45-67"]}, "exact_phone"),
        ({"tax_id": "7707083893", "kpp": "772801001"}, "exact_tax_id"),
    ],
)
def test_one_shared_identifier_under_another_name_is_always_shown(
    register: Register, identifier: dict[str, Any], rule: str
) -> None:
    result = register(client(short_name="ООО «Вектор Плюс»", **identifier))
    assert isinstance(result, PossibleDuplicates)
    (candidate,) = result.candidates
    assert candidate.partner.id == "p-1"
    assert candidate.exact is False
    assert candidate.rules == (rule,)
    assert candidate.probability < 0.9


def test_a_check_without_rules_gives_candidates_without_rules() -> None:
    repository = MemoryPartnerRepository()
    index = DuplicateIndex(MatchModel(fields=MatchModel.for_partners().fields))
    known = create_partner(ROMASHKA, now=NOW, partner_id=PartnerId("p-1")).entity
    repository.add(known)
    index.add(known.id, known)
    draft = client(short_name="Romashka LLC", phones=["8 495 1234567"])
    result = register_partner(draft, repository=repository, index=index, now=NOW)
    assert isinstance(result, PossibleDuplicates)
    assert result.candidates[0].rules == ()
