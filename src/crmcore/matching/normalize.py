"""Normalization of field values before comparison: one comparable form per field kind.

Every kind folds case, Unicode forms and diacritics, transliterates Cyrillic into Latin and
folds spelling variants (``kh``/``h``, ``y``/``i``, ``ue``/``u``, doubled letters), so that
"ООО «Ромашка»" and "Romashka LLC" both become ``romashka``. Inputs are cut to a bounded
length first, so a 100 kB name costs no more than a short one.

>>> [normalize(FieldKind.COMPANY_NAME, name) for name in ("ООО «Ромашка»", "Romashka LLC")]
['romashka', 'romashka']
>>> normalize(FieldKind.PHONE, "+7 (495) 123-45-67") == normalize(FieldKind.PHONE, "8 495 1234567")
True
>>> normalize(FieldKind.ADDRESS, "ул. Ленина, д. 5")
'st lenina 5'
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Final

from dateutil import parser as date_parser
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

__all__ = ["FieldKind", "normalize"]

MAX_INPUT_LENGTH: Final = 1000
"""Characters of a raw value looked at; the rest cannot change a comparison meaningfully."""
MAX_NORMALIZED_LENGTH: Final = 200
"""Characters of a normalized value kept (and compared)."""
MAX_PARTS: Final = 8
"""Phones or e-mails kept from one value listing several."""
_MIN_DIGITS: Final = 5
_RUSSIAN_TRUNK_LENGTH: Final = 11
PART_SEPARATOR: Final = ";"
"""Separates the phones or e-mails of one normalized value."""
_DEFAULTS: Final = (datetime(2000, 1, 1), datetime(2001, 2, 2))


class FieldKind(enum.Enum):
    """What a field holds, which decides how it is normalized, compared and blocked."""

    COMPANY_NAME = "company_name"
    PERSON_NAME = "person_name"
    NAME = "name"
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"
    TAX_ID = "tax_id"
    IDENTIFIER = "identifier"
    DATE = "date"
    POSTCODE = "postcode"
    CATEGORY = "category"
    TEXT = "text"


_CYRILLIC: Final = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "i", "є": "e", "ґ": "g", "ў": "u", "ј": "j",
}  # fmt: skip
_TRANSLITERATION: Final = str.maketrans(_CYRILLIC)
# Latin spelling variants folded to one form; the order matters (``ck`` before ``c``).
_FOLDS: Final = (
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"([aou])e+"), r"\1"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)
_NOT_WORD: Final = re.compile(r"[\W_]+")
# The blocks of combining diacritical marks, which decomposition splits off accented letters.
_COMBINING: Final = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_NOT_ASCII_DIGIT: Final = re.compile(r"[^0-9]+")
_NOT_ALNUM: Final = re.compile(r"[^0-9a-z]+")
_DOTS: Final = re.compile(r"[.'’`/]")
_PARTS: Final = re.compile(r"[;,\s]+")


def _plain(value: str) -> str:
    """Case-folded text without diacritics, cut to a bounded length."""
    value = value[:MAX_INPUT_LENGTH]
    if not value.isascii():
        value = value.replace("ß", "ss").replace("ẞ", "ss")
        value = _COMBINING.sub("", unicodedata.normalize("NFKD", value))
    return value.casefold()


def _tokens(value: str) -> list[str]:
    """Words of :func:`_plain` text, still in their own script."""
    return [token for token in _NOT_WORD.split(_plain(value)) if token]


@lru_cache(maxsize=1 << 16)
def _latin(token: str) -> str:
    """One token transliterated into Latin with spelling variants folded until none is left.

    Cached: the words of names and addresses repeat across a base.
    """
    folded = token if token.isascii() else token.translate(_TRANSLITERATION)
    previous = None
    while folded != previous:
        previous = folded
        for pattern, replacement in _FOLDS:
            folded = pattern.sub(replacement, folded)
    return folded


def _joined(tokens: Iterable[str]) -> str:
    return " ".join(token for token in tokens if token)[:MAX_NORMALIZED_LENGTH].strip()


def _keyed(words: Iterable[str]) -> frozenset[str]:
    """Words in the form :func:`_tokens` gives them, so that lookups compare like with like."""
    return frozenset(" ".join(_tokens(word)) for word in words)


_LEGAL_FORMS: Final = _keyed(
    (
        "ООО", "ОАО", "ЗАО", "ПАО", "НАО", "АО", "ИП", "ТОО", "ЧП", "ОДО", "НКО", "ГУП",
        "МУП", "ФГУП", "LLC", "LLP", "LP", "Inc", "Incorporated", "Ltd", "Limited", "Corp",
        "Corporation", "Co", "Company", "PLC", "GmbH", "AG", "KG", "OHG", "UG", "eK", "eV",
        "BV", "NV", "SA", "SARL", "SAS", "SpA", "Srl", "SL", "Oy", "AB", "AS", "Pty", "Pvt",
        "KGaA", "SE", "JSC", "OJSC", "CJSC", "PJSC",
    )
)  # fmt: skip
_LEGAL_FORM_PHRASES: Final = tuple(
    sorted(
        _keyed(
            (
                "общество с ограниченной ответственностью",
                "открытое акционерное общество",
                "закрытое акционерное общество",
                "публичное акционерное общество",
                "непубличное акционерное общество",
                "акционерное общество",
                "индивидуальный предприниматель",
                "limited liability company",
                "joint stock company",
                "gesellschaft mit beschrankter haftung",
                "aktiengesellschaft",
                "private limited",
            )
        ),
        key=len,
        reverse=True,
    )
)
_LEGAL_FORMS_LATIN: Final = frozenset(_latin(form) for form in _LEGAL_FORMS)
_LEGAL_FORM_PHRASE: Final = re.compile(
    r"(?:^|\s)(?:" + "|".join(re.escape(p) for p in _LEGAL_FORM_PHRASES) + r")(?=\s|$)"
)


def _address_words() -> dict[str, str]:
    groups = {
        "st": ("ул", "улица", "ulitsa", "street", "st", "str", "strasse", "straße"),
        "av": ("пр", "просп", "проспект", "prospekt", "avenue", "ave", "av"),
        "ln": ("пер", "переулок", "pereulok", "lane", "ln"),
        "hwy": ("ш", "шоссе", "shosse", "highway", "hwy"),
        "sq": ("пл", "площадь", "ploshchad", "square", "sq", "platz"),
        "emb": ("наб", "набережная", "naberezhnaya", "embankment", "emb"),
        "blvd": ("бул", "бульвар", "bulvar", "boulevard", "blvd"),
        "psg": ("проезд", "proezd", "passage"),
        # House-number words are dropped: "д. 5" and the "5" of "5 Baker St" say the same.
        "": ("д", "дом", "dom", "house", "hausnummer", "no", "nr"),
        "bld": ("стр", "строение", "stroenie", "building", "bldg"),
        "blk": ("к", "корп", "корпус", "korpus", "block"),
        "apt": ("кв", "квартира", "kvartira", "apartment", "apt", "flat", "офис", "office"),
        "city": ("г", "город", "gorod", "city"),
        "reg": ("обл", "область", "oblast", "region"),
    }
    words: dict[str, str] = {}
    for canonical, spellings in groups.items():
        for spelling in _keyed(spellings):
            words.setdefault(spelling, canonical)
    return words


_ADDRESS_WORDS: Final = _address_words()
_STREET_SUFFIX: Final = re.compile(r"(?<=[a-z]{3})(strase|str)$")
_HYPHENATED: Final = {"пр-т": "проспект", "б-р": "бульвар", "пр-д": "проезд"}
_HYPHENATED_WORD: Final = re.compile("|".join(_HYPHENATED), re.IGNORECASE)


def _name(value: str) -> str:
    return _joined(_latin(token) for token in _tokens(value))


def _company_name(value: str) -> str:
    text = " ".join(_tokens(_DOTS.sub("", value[:MAX_INPUT_LENGTH])))
    text = _LEGAL_FORM_PHRASE.sub(" ", text)
    tokens = text.split()
    kept = [token for token in tokens if token not in _LEGAL_FORMS]
    latin = [_latin(token) for token in kept or tokens]
    stripped = [token for token in latin if token not in _LEGAL_FORMS_LATIN]
    return _joined(stripped or latin)


def _address(value: str) -> str:
    value = _HYPHENATED_WORD.sub(
        lambda match: _HYPHENATED[match.group().lower()], value[:MAX_INPUT_LENGTH]
    )
    return _joined(word for token in _tokens(value) for word in _address_words_of(token))


@lru_cache(maxsize=1 << 16)
def _address_words_of(token: str) -> tuple[str, ...]:
    """The canonical word(s) of one address token; cached, as streets and cities repeat."""
    canonical = _ADDRESS_WORDS.get(token)
    if canonical is not None:
        return (canonical,)
    latin = _latin(token)
    # German compounds write the street word into the name: "Hauptstraße" is "Haupt Str.".
    stem = _STREET_SUFFIX.sub("", latin)
    return (stem, "st") if stem != latin else (latin,)


def _phone(value: str) -> str:
    numbers: list[str] = []
    for part in re.split(r"[;,]", value[:MAX_INPUT_LENGTH])[:MAX_PARTS]:
        number = _national_number(part)
        if number:
            numbers.append(number)
    return PART_SEPARATOR.join(dict.fromkeys(numbers))


def _national_number(part: str) -> str:
    """The national significant number, so that ``+7 495 ...`` and ``8 495 ...`` are one."""
    digits = _NOT_ASCII_DIGIT.sub("", part)[:20]
    international = part.lstrip().startswith("+")
    if not international and digits.startswith("00") and len(digits) > 7:
        digits, international = digits[2:], True
    if international:
        digits = _without_country_code(digits)
    return _without_trunk_prefix(digits)


def _without_country_code(digits: str) -> str:
    for size in (1, 2, 3):
        code = digits[:size]
        if int(code or "0") in COUNTRY_CODE_TO_REGION_CODE and len(digits) - size >= _MIN_DIGITS:
            return digits[size:]
    return digits


def _without_trunk_prefix(digits: str) -> str:
    """Digits without the prefix dialled inside a country: the 8 of Russia, the 0 of Europe."""
    while len(digits) > _MIN_DIGITS and (
        digits[0] == "0" or (len(digits) == _RUSSIAN_TRUNK_LENGTH and digits[0] in "78")
    ):
        digits = digits[1:]
    return digits


def _email(value: str) -> str:
    plain = _plain(value).removeprefix("mailto:")
    addresses = [part.strip("<>\"'") for part in _PARTS.split(plain) if "@" in part]
    return PART_SEPARATOR.join(dict.fromkeys(address[:100] for address in addresses[:MAX_PARTS]))


def _code(value: str) -> str:
    return _NOT_ALNUM.sub("", _plain(value).translate(_TRANSLITERATION))[:MAX_NORMALIZED_LENGTH]


def _date(value: str) -> str:
    text = value[:64].strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        # Parsing with two defaults tells a full date from a partial one ("March", "14"),
        # which is kept as text rather than completed with a guess.
        dates = {date_parser.parse(text, dayfirst=True, default=d).date() for d in _DEFAULTS}
    except (ValueError, OverflowError):
        return _code(text)
    return dates.pop().isoformat() if len(dates) == 1 else _code(text)


_NORMALIZERS: Final[dict[FieldKind, Callable[[str], str]]] = {
    FieldKind.COMPANY_NAME: _company_name,
    FieldKind.PERSON_NAME: _name,
    FieldKind.NAME: _name,
    FieldKind.ADDRESS: _address,
    FieldKind.PHONE: _phone,
    FieldKind.EMAIL: _email,
    FieldKind.TAX_ID: _code,
    FieldKind.IDENTIFIER: _code,
    FieldKind.DATE: _date,
    FieldKind.POSTCODE: _code,
    FieldKind.CATEGORY: _name,
    FieldKind.TEXT: _name,
}


def normalize(kind: FieldKind, value: str | None) -> str | None:
    """The comparable form of ``value`` for a field of ``kind``; ``None`` when nothing is left.

    Normalizing a normalized value gives it back unchanged.
    """
    if value is None:
        return None
    return _NORMALIZERS[kind](value) or None
