"""Russian INN, KPP, OGRN and OGRNIP with their checksums and kind-dependent lengths; the
generic scheme of other countries; the choice of scheme."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError
from crmcore.partners.kinds import PartnerKind
from crmcore.partners.model import LegalData
from crmcore.partners.taxids import (
    GENERIC,
    RUSSIA,
    GenericTaxIds,
    inn_is_valid,
    normalize_code,
    ogrn_is_valid,
    scheme_for,
)
from crmcore.testing.strategies import inns, kpps, legal_data, ogrns

LEGAL, SOLE, PERSON = PartnerKind.LEGAL_ENTITY, PartnerKind.SOLE_PROPRIETOR, PartnerKind.INDIVIDUAL
digits = st.text(st.sampled_from("0123456789"), min_size=1, max_size=1)


def _fields(**codes: object) -> list[str]:
    kind = codes.pop("kind", None)
    found = RUSSIA.problems(
        kind=kind,  # type: ignore[arg-type]
        tax_id=codes.get("tax_id"),  # type: ignore[arg-type]
        kpp=codes.get("kpp"),  # type: ignore[arg-type]
        registration_number=codes.get("registration_number"),  # type: ignore[arg-type]
    )
    return [v.field for v in found]


@pytest.mark.parametrize(
    "inn",
    ["7707083893", "7736050003", "500100732259"],
)
def test_real_inns_are_valid(inn: str) -> None:
    assert inn_is_valid(inn)


@pytest.mark.parametrize(
    "inn",
    ["7707083894", "500100732258", "500100732269", "770708389", "77070838930", "77070838９3", ""],
)
def test_inns_with_a_wrong_check_digit_or_length_are_invalid(inn: str) -> None:
    assert not inn_is_valid(inn)


@given(st.text(st.sampled_from("0123456789"), min_size=9, max_size=9))
def test_exactly_one_check_digit_completes_a_ten_digit_inn(body: str) -> None:
    assert sum(inn_is_valid(body + d) for d in "0123456789") == 1


@given(st.text(st.sampled_from("0123456789"), min_size=10, max_size=10))
def test_exactly_one_pair_of_check_digits_completes_a_twelve_digit_inn(body: str) -> None:
    pairs = [a + b for a in "0123456789" for b in "0123456789"]
    assert sum(inn_is_valid(body + pair) for pair in pairs) == 1


@pytest.mark.parametrize("code", ["1027700132195", "1037739010891", "304500116000157"])
def test_real_ogrns_and_ogrnips_are_valid(code: str) -> None:
    assert ogrn_is_valid(code)


@given(
    st.sampled_from([12, 14]).flatmap(
        lambda n: st.text(st.sampled_from("0123456789"), min_size=n, max_size=n)
    )
)
def test_exactly_one_check_digit_completes_an_ogrn(body: str) -> None:
    assert sum(ogrn_is_valid(body + d) for d in "0123456789") == 1


@pytest.mark.parametrize("code", ["1027700132194", "102770013219", "30450011600015７", "x"])
def test_wrong_ogrns_are_invalid(code: str) -> None:
    assert not ogrn_is_valid(code)


@given(inns(kind=LEGAL), inns(kind=SOLE), ogrns(kind=LEGAL), ogrns(kind=SOLE), kpps())
def test_lengths_depend_on_the_kind(
    inn10: str, inn12: str, ogrn: str, ogrnip: str, kpp: str
) -> None:
    assert _fields(kind=LEGAL, tax_id=inn10, kpp=kpp, registration_number=ogrn) == []
    assert _fields(kind=SOLE, tax_id=inn12, registration_number=ogrnip) == []
    assert _fields(kind=PERSON, tax_id=inn12) == []
    assert _fields(kind=None, tax_id=inn12, kpp=kpp, registration_number=ogrnip) == []
    assert _fields(kind=LEGAL, tax_id=inn12, registration_number=ogrnip) == [
        "tax_id",
        "registration_number",
    ]
    assert _fields(kind=SOLE, tax_id=inn10, kpp=kpp, registration_number=ogrn) == [
        "tax_id",
        "kpp",
        "registration_number",
    ]
    assert _fields(kind=PERSON, tax_id=inn10, kpp=kpp, registration_number=ogrnip) == [
        "tax_id",
        "kpp",
        "registration_number",
    ]


def test_messages_say_what_is_expected() -> None:
    found = list(
        RUSSIA.problems(kind=SOLE, tax_id="7707083893", kpp=None, registration_number=None)
    )
    assert [v.message for v in found] == ["an INN here has 12 digits"]
    (wrong,) = RUSSIA.problems(kind=None, tax_id="7707083894", kpp=None, registration_number=None)
    assert wrong.message == "is not a valid INN: wrong check digit"
    (person,) = RUSSIA.problems(
        kind=PERSON, tax_id=None, kpp=None, registration_number="1027700132195"
    )
    assert person.message == "individuals have no OGRN or OGRNIP"


@pytest.mark.parametrize("kpp", ["773601001", "7736AB001", "500101001"])
def test_kpps_of_the_documented_form_pass(kpp: str) -> None:
    assert _fields(kind=LEGAL, kpp=kpp) == []


@pytest.mark.parametrize("kpp", ["77360100", "7736010011", "77A601001", "773601O01", "7736ab001"])
def test_kpps_of_another_form_fail(kpp: str) -> None:
    assert _fields(kind=LEGAL, kpp=kpp) == ["kpp"]


def test_a_kpp_has_ascii_digits_only() -> None:
    assert _fields(kind=LEGAL, kpp="７７３６01００１") == ["kpp"]


def test_legal_data_stores_codes_without_separators() -> None:
    data = LegalData(
        tax_id=" 77 07-083893 ", kpp="7736.01.001", registration_number="1027700132195"
    )
    assert (data.tax_id, data.kpp) == ("7707083893", "773601001")
    assert normalize_code("7736ab/001") == "7736AB001"
    assert normalize_code(None) is None  # type: ignore[arg-type]
    assert LegalData(tax_id="  ").tax_id is None


def test_legal_data_reports_every_wrong_code_at_once() -> None:
    with pytest.raises(DomainValidationError) as caught:
        LegalData(tax_id="7707083894", kpp="12", registration_number="1027700132194")
    assert caught.value.fields == ("tax_id", "kpp", "registration_number")


@given(legal_data())
def test_drawn_legal_data_is_valid(data: LegalData) -> None:
    assert list(data.problems(kind=None)) == []


@pytest.mark.parametrize("kind", list(PartnerKind))
@given(data=st.data())
def test_drawn_legal_data_fits_its_kind(kind: PartnerKind, data: st.DataObject) -> None:
    drawn = data.draw(legal_data(kind=kind, countries=("RU",)))
    assert list(drawn.problems(kind=kind)) == []


def test_other_countries_get_the_generic_scheme() -> None:
    assert scheme_for("DE") is GENERIC
    assert scheme_for("RU") is RUSSIA
    plugin = GenericTaxIds(country="DE")
    assert scheme_for("DE", {"DE": plugin}) is plugin
    assert scheme_for("RU", {"DE": plugin}) is RUSSIA
    assert LegalData(country="DE", tax_id="DE 123-456-789").tax_id == "DE123456789"


def test_the_generic_scheme_checks_the_alphabet_and_refuses_a_kpp() -> None:
    with pytest.raises(DomainValidationError) as caught:
        LegalData(country="DE", tax_id="DE_123", kpp="773601001", registration_number="HRB№1")
    assert caught.value.fields == ("tax_id", "registration_number", "kpp")
    messages = {v.field: v.message for v in caught.value.violations}
    assert messages["kpp"] == "a KPP exists only for Russia"


def test_a_country_code_is_two_upper_case_letters() -> None:
    with pytest.raises(DomainValidationError) as caught:
        LegalData(country="Russia")
    assert caught.value.fields == ("country",)
