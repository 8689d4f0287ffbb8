"""Duplicate control end to end: exact-criterion rules on by default for partners, contacts and
requests; names one slip apart found through blocking alone, by a query and by the batch."""

import pytest
from match_samples import MODEL, record

from crmcore.matching import DuplicateIndex, MatchModel, find_duplicate_clusters
from crmcore.matching.batch import _candidates, plan_partitions
from crmcore.matching.compare import similarity
from crmcore.matching.normalize import FieldKind, normalize
from crmcore.matching.records import prepare
from crmcore.requests.binding import contact_match_model

SLIPS = [
    ("Shtama Mervolg", "htama Mervolg"),  # A typo in the first letter.
    ("Стройуралком Газмер", "Стройуралкомгазмер"),  # Two words run together.
    ("Vostochnyi Torgovyi Dom", "Vostochnyi Torgovyidom"),
    ("Shtama Mervolg", "Mervolg Shtama"),  # The words in another order.
]


@pytest.mark.parametrize(
    ("model", "rules"),
    [
        (
            MatchModel.for_partners(),
            ["exact_tax_id", "exact_registration_number", "exact_phone", "exact_email"],
        ),
        (contact_match_model(), ["exact_phone", "exact_email"]),
    ],
)
def test_the_ready_models_have_their_exact_rules_on(model: MatchModel, rules: list[str]) -> None:
    assert [rule.name for rule in model.rules] == rules


def test_a_contact_with_the_same_email_under_another_name_is_reported_with_its_rule() -> None:
    index = DuplicateIndex(contact_match_model())
    index.add("c1", {"name": "Иван Петров", "phone": None, "email": "ivan@romashka.ru"})
    index.add("c2", {"name": "Анна Смирнова", "phone": "+74957654321", "email": None})
    [candidate] = index.query({"name": "Pyotr Sidorov", "phone": None, "email": "IVAN@romashka.ru"})
    assert candidate.record_id == "c1"
    assert candidate.probability < 0.5
    assert candidate.rules == ("exact_email",)
    assert [e.field for e in candidate.explanation if e.rule == "exact_email"] == ["email"]


@pytest.mark.parametrize(("known", "slipped"), SLIPS)
def test_a_name_one_slip_apart_stays_close(known: str, slipped: str) -> None:
    left = normalize(FieldKind.COMPANY_NAME, known)
    right = normalize(FieldKind.COMPANY_NAME, slipped)
    assert left is not None
    assert right is not None
    assert similarity(FieldKind.COMPANY_NAME, left, right) >= 0.9


@pytest.mark.parametrize(("known", "slipped"), SLIPS)
def test_a_query_by_a_slipped_name_alone_finds_the_card(known: str, slipped: str) -> None:
    index = DuplicateIndex(MODEL)
    index.add("known", record(known))
    index.add("other", record("Лютик Плюс"))
    found = index.query(record(slipped), threshold=0.01)
    assert [candidate.record_id for candidate in found] == ["known"]


@pytest.mark.parametrize(("known", "slipped"), SLIPS)
def test_the_batch_blocks_a_slipped_name_with_its_original(known: str, slipped: str) -> None:
    # Among near-namesakes, so that the words are common and blocks are compared by neighbours.
    names = [known, slipped, *(f"{known.split(maxsplit=1)[0]} {n}" for n in range(30))]
    prepared = {f"r{n}": prepare(MODEL, record(name)) for n, name in enumerate(names)}
    plan, parts = plan_partitions(MODEL, prepared, threshold=0.5, partitions=3)
    pairs = {tuple(sorted(pair)) for part in parts for pair in _candidates(plan, part)}
    assert (0, 1) in pairs


def test_the_batch_clusters_slipped_names_that_share_a_phone() -> None:
    records = {}
    for number, (known, slipped) in enumerate(SLIPS[:3]):
        phone = f"+7 495 000-00-0{number}"
        records[f"k{number}"] = record(known, phone)
        records[f"s{number}"] = record(slipped, phone.replace("+7", "8"))
    records["x"] = record("Shtama Mervolg", "+7 916 111-11-11")  # A namesake, elsewhere.
    clusters = find_duplicate_clusters(MODEL, records, threshold=0.5)
    assert sorted(cluster.record_ids for cluster in clusters) == [
        ("k0", "s0"),
        ("k1", "s1"),
        ("k2", "s2"),
    ]
