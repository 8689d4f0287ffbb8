"""Contact data: phones of several countries in E.164, normalized emails, addresses, and
bank accounts checked against the BIC's control key or the IBAN's check digits."""

import attrs
import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmcore.errors import DomainValidationError
from crmcore.partners.contact_data import (
    Address,
    BankAccount,
    Email,
    Phone,
    russian_account_is_valid,
)
from crmcore.partners.kinds import AddressKind, EmailKind, PhoneKind
from crmcore.testing.strategies import addresses, bank_accounts, emails, phones

SBERBANK_BIC = "044525225"
SBERBANK_CORRESPONDENT = "30101810400000000225"
SETTLEMENT = "40702810938000000001"


@pytest.mark.parametrize(
    ("raw", "region", "number"),
    [
        ("8 (495) 123-45-67", "RU", "+74951234567"),
        ("+7 (423) 222-33-44", "RU", "+74232223344"),
        ("8 701 000 99 98", "KZ", "+77010009998"),
        ("030 123456", "DE", "+4930123456"),
        ("+49 30 123456", "RU", "+4930123456"),
        ("(201) 555-0123", "US", "+12015550123"),
        ("020 7946 0018", "GB", "+442079460018"),
    ],
)
def test_phones_are_parsed_into_e164_with_a_default_region(
    raw: str, region: str, number: str
) -> None:
    assert Phone.parse(raw, default_region=region).number == number


def test_a_parsed_phone_keeps_its_extension_and_kind() -> None:
    phone = Phone.parse("+7 495 123-45-67 ext. 123", kind=PhoneKind.MOBILE)
    assert (phone.number, phone.extension, phone.kind) == ("+74951234567", "123", PhoneKind.MOBILE)
    assert str(phone) == "+7 495 123-45-67 ext. 123"
    assert str(Phone(number="+74951234567")) == "+7 495 123-45-67"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "must be a phone number"),
        ("   ", "must be a phone number"),
        ("1" * 65, "must be a phone number"),
        (None, "must be a phone number"),
        ("not a phone", "cannot be read as a phone number"),
        ("+", "cannot be read as a phone number"),
        ("8 (000) 000-00-00", "is not a valid phone number"),
        ("+7 495 12", "is not a valid phone number"),
    ],
)
def test_unparsable_and_invalid_phones_are_rejected_naming_the_field(
    raw: object, message: str
) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Phone.parse(raw, field="phones[1]")  # type: ignore[arg-type]
    assert caught.value.field == "phones[1]"
    assert caught.value.violations[0].message == message


@given(
    phones(),
    st.sampled_from(
        [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL]
    ),
)
def test_a_phone_written_as_people_write_it_parses_back(phone: Phone, style: int) -> None:
    parsed = phonenumbers.parse(phone.number)
    region = phonenumbers.region_code_for_number(parsed)
    raw = phonenumbers.format_number(parsed, style)
    assert Phone.parse(raw, default_region=region).number == phone.number
    assert phone.region() == region


@given(phones(regions=("KZ",)), phones(regions=("RU",)))
def test_the_region_of_a_number_tells_countries_sharing_a_code_apart(
    kazakh: Phone, russian: Phone
) -> None:
    assert (kazakh.region(), russian.region()) == ("KZ", "RU")


@pytest.mark.parametrize(
    ("settings", "fields"),
    [
        ({"number": "84951234567"}, ("number",)),
        ({"number": "+7 495 123 45 67"}, ("number",)),
        ({"number": "+70000000000"}, ("number",)),
        ({"number": 74951234567}, ("number",)),
        ({"number": "+74951234567", "extension": "12a"}, ("extension",)),
        ({"number": "+74951234567", "kind": "work"}, ("kind",)),
        ({"number": "+7", "extension": "x", "kind": None}, ("number", "kind", "extension")),
    ],
)
def test_a_phone_is_constructed_only_from_valid_e164(
    settings: dict[str, object], fields: tuple[str, ...]
) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Phone(**settings)  # type: ignore[arg-type]
    assert caught.value.fields == fields


def test_a_typed_number_with_an_overlong_extension_names_the_field() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Phone.parse("+7 495 123-45-67 ext. 12345678901", field="phones[0]")
    assert caught.value.fields == ("phones[0]",)


def test_a_number_with_an_unknown_country_code_is_a_validation_error() -> None:
    with pytest.raises(DomainValidationError):
        Phone(number="+9991234567")


def test_e164_numbers_have_ascii_digits_only() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Phone(number="+7４９５１２３４５６７", extension="１２")
    assert caught.value.fields == ("number", "extension")


@pytest.mark.parametrize(
    ("raw", "address"),
    [
        (" Ivan.Petrov@Mail.RU ", "Ivan.Petrov@mail.ru"),
        ("ivan+crm@ПОЧТА.РФ", "ivan+crm@почта.рф"),
        ("o'hara@example.co.uk", "o'hara@example.co.uk"),
    ],
)
def test_emails_are_trimmed_with_a_lower_case_domain(raw: str, address: str) -> None:
    email = Email.parse(raw, kind=EmailKind.BILLING)
    assert (email.address, email.kind, str(email)) == (address, EmailKind.BILLING, address)


def test_emails_compare_by_their_case_folded_key() -> None:
    assert Email.parse("Ivan@mail.ru").key == Email.parse("IVAN@MAIL.RU").key == "ivan@mail.ru"


@pytest.mark.parametrize(
    "raw",
    [
        "no-at-sign",
        "@mail.ru",
        "ivan@",
        "ivan@localhost",
        "ivan@-mail.ru",
        "ivan@mail-.ru",
        "ivan@mail..ru",
        "ivan@mail.ru.",
        "ivan@mail.123",
        "iv an@mail.ru",
        "ivan..petrov@mail.ru",
        ".ivan@mail.ru",
        'iv"an@mail.ru',
        "x" * 65 + "@mail.ru",
        "ivan@" + "a" * 250 + ".ru",
        5,
    ],
)
def test_malformed_emails_are_rejected_naming_the_field(raw: object) -> None:
    with pytest.raises(DomainValidationError) as caught:
        Email.parse(raw, field="emails[0]")  # type: ignore[arg-type]
    assert caught.value.fields == ("emails[0]",)


def test_an_email_is_constructed_only_with_a_lower_case_domain() -> None:
    with pytest.raises(DomainValidationError) as caught:
        Email(address="ivan@Mail.ru")
    assert caught.value.fields == ("address",)


@given(emails())
def test_a_drawn_email_parses_back_to_itself(email: Email) -> None:
    assert Email.parse(email.address, kind=email.kind) == email


def test_an_address_is_cleaned_and_checked_field_by_field() -> None:
    address = Address(text="  119021, Москва, ул. Льва Толстого, 16 ", city=" ", country="RU")
    assert (address.text, address.city, address.kind) == (
        "119021, Москва, ул. Льва Толстого, 16",
        None,
        AddressKind.ACTUAL,
    )
    with pytest.raises(DomainValidationError) as caught:
        Address(text=" ", country="ru", postcode="1" * 21, kind="legal")  # type: ignore[arg-type]
    assert caught.value.fields == ("text", "kind", "country", "postcode")


@given(addresses())
def test_drawn_addresses_are_valid(address: Address) -> None:
    assert attrs.evolve(address) == address


def test_a_russian_account_matches_its_bank() -> None:
    account = BankAccount(
        account_number=SETTLEMENT,
        bank_name="ПАО Сбербанк",
        bic=SBERBANK_BIC,
        correspondent_account=SBERBANK_CORRESPONDENT,
    )
    assert account.currency == "RUB"
    assert russian_account_is_valid(SBERBANK_CORRESPONDENT, SBERBANK_BIC, correspondent=True)


def test_accounts_with_a_wrong_control_key_are_both_reported() -> None:
    with pytest.raises(DomainValidationError) as caught:
        BankAccount(
            account_number="40702810438000000001",
            bank_name="ПАО Сбербанк",
            bic=SBERBANK_BIC,
            correspondent_account="30101810500000000225",
        )
    assert caught.value.fields == ("account_number", "correspondent_account")
    assert "control key" in caught.value.violations[0].message


@given(
    st.text(st.sampled_from("0123456789"), min_size=9, max_size=9),
    st.text(st.sampled_from("0123456789"), min_size=20, max_size=20),
)
def test_exactly_one_control_key_fits_an_account_to_a_bic(bic: str, account: str) -> None:
    keyed = [account[:8] + key + account[9:] for key in "0123456789"]
    assert sum(russian_account_is_valid(a, bic) for a in keyed) == 1
    assert sum(russian_account_is_valid(a, bic, correspondent=True) for a in keyed) == 1


@pytest.mark.parametrize("iban", ["DE89370400440532013000", "GB82WEST12345698765432"])
def test_real_ibans_are_valid(iban: str) -> None:
    assert BankAccount(account_number=iban, bank_name="Bank", iban=iban).iban == iban


@given(bank_accounts(russian=False), st.integers(min_value=2, max_value=98))
def test_only_one_pair_of_check_digits_fits_an_iban(account: BankAccount, check: int) -> None:
    assert account.iban is not None
    iban = f"{account.iban[:2]}{check:02d}{account.iban[4:]}"
    if iban == account.iban:
        return
    with pytest.raises(DomainValidationError) as caught:
        attrs.evolve(account, iban=iban)
    assert caught.value.fields == ("iban",)


@pytest.mark.parametrize(
    ("settings", "fields"),
    [
        ({"iban": "DE88370400440532013000"}, ("iban",)),
        ({"iban": "de89370400440532013000"}, ("iban",)),
        ({"iban": "DE893704"}, ("iban",)),
        ({"bic": "04452522"}, ("bic",)),
        ({"correspondent_account": "3010181040000000022"}, ("correspondent_account",)),
        ({"account_number": "4070"}, ("account_number",)),
        ({"account_number": "40702-810"}, ("account_number",)),
        ({"bank_name": "  "}, ("bank_name",)),
        ({"swift": "SABRRUMMXXXX"}, ("swift",)),
        ({"bic": "x", "iban": "x", "bank_name": ""}, ("bank_name", "bic", "iban")),
    ],
)
def test_bad_bank_details_name_their_field(
    settings: dict[str, object], fields: tuple[str, ...]
) -> None:
    details: dict[str, object] = {"account_number": "ABCDE12345", "bank_name": "Bank"}
    with pytest.raises(DomainValidationError) as caught:
        BankAccount(**{**details, **settings})  # type: ignore[arg-type]
    assert caught.value.fields == fields


def test_the_currency_of_an_account_is_an_iso_code() -> None:
    with pytest.raises(DomainValidationError) as caught:
        BankAccount(account_number="ABCDE12345", bank_name="Bank", currency="rubles")
    assert caught.value.fields == ("currency",)


def test_bank_codes_have_ascii_digits_only() -> None:
    with pytest.raises(DomainValidationError) as caught:
        BankAccount(
            account_number="ABCDE12345",
            bank_name="Bank",
            bic="٠٤٤٥٢٥٢٢٥",
            iban="DE８９370400440532013000",
        )
    assert caught.value.fields == ("bic", "iban")


@given(bank_accounts())
def test_drawn_bank_accounts_are_valid(account: BankAccount) -> None:
    assert attrs.evolve(account) == account
    assert account.iban is not None or account.bic is not None
