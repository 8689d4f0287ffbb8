"""A generator of realistic partner bases with known duplicates, for the matching benchmarks.

Russian, German and English companies with legal forms; duplicates differ by typos, swapped
words, transliteration, legal form spelling, phone formats, e-mail case and missing fields;
many near-namesakes (same stem, another business or another city) are *not* duplicates.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator

Record = dict[str, str | None]

_RU_SYLLABLES = (
    "ро", "ма", "шка", "лю", "тик", "ве", "га", "ал", "фа", "ст", "рой", "тех", "сиб", "ур",
    "ал", "ме", "га", "но", "ва", "гр", "ан", "ди", "ко", "ре", "ка", "ли", "на", "та", "ми",
    "ра", "до", "бр", "ин", "ве", "ст", "сн", "аб", "тор", "г", "ка", "ск", "ад", "ни", "ва",
    "мо", "ст", "зо", "ло", "ра", "ду", "га", "ле", "на", "бе", "ре", "за", "кр", "ис", "та",
    "лл", "ок", "но", "ви", "та", "ла", "ба", "за", "ур", "ожа", "ё", "лк", "а",
)  # fmt: skip
_RU_BUSINESS = (
    "Строй", "Торг", "Трейд", "Сервис", "Групп", "Технологии", "Логистик", "Инвест", "Снаб",
    "Маркет", "Пром", "Агро", "Энерго", "Комплект", "Инжиниринг", "Холдинг", "Транс", "Мед",
)  # fmt: skip
_RU_FORMS = ("ООО", "АО", "ПАО", "ЗАО", "ИП")
_RU_LATIN_FORMS = {"ООО": "LLC", "АО": "JSC", "ПАО": "PJSC", "ЗАО": "CJSC", "ИП": "IP"}
_DE_SYLLABLES = (
    "berg", "stein", "wald", "feld", "haus", "bach", "mann", "hof", "dorf", "burg", "brück",
    "kraft", "licht", "werk",
)  # fmt: skip
_DE_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
    "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner",
)  # fmt: skip
_DE_BUSINESS = (
    "Bau", "Technik", "Logistik", "Handel", "Maschinenbau", "Elektro", "Transport",
    "Immobilien", "Software", "Metall", "Automotive", "Verpackung",
)  # fmt: skip
_DE_FORMS = ("GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.")
_EN_SYLLABLES = (
    "an", "ex", "or", "el", "ton", "ver", "sum", "mit", "tri", "co", "lex", "nov", "ar", "is",
    "pe", "ak", "ly", "ra", "zen", "qu", "ad",
)  # fmt: skip
_EN_WORDS = (
    "Global", "Advanced", "Summit", "Pioneer", "Apex", "Northern", "Pacific", "Atlantic",
    "United", "Premier", "Bright", "Silver", "Golden", "Blue", "Green", "Prime", "Vertex",
    "Horizon", "Crescent", "Liberty",
)  # fmt: skip
_EN_BUSINESS = (
    "Solutions", "Systems", "Holdings", "Logistics", "Trading", "Industries", "Partners",
    "Technologies", "Services", "Foods", "Energy", "Consulting",
)  # fmt: skip
_EN_FORMS = ("LLC", "Inc.", "Ltd", "Corp.", "PLC")
_RU_CITIES = ("Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Самара")
_RU_STREETS = ("Ленина", "Мира", "Гагарина", "Советская", "Садовая", "Пушкина", "Лесная")
_DE_CITIES = ("Berlin", "München", "Hamburg", "Köln", "Frankfurt", "Stuttgart")
_DE_STREETS = ("Haupt", "Bahnhof", "Garten", "Schul", "Kirch", "Berg", "Linden")
_EN_CITIES = ("London", "Manchester", "New York", "Boston", "Chicago", "Leeds")
_EN_STREETS = ("High", "Station", "Church", "Park", "Victoria", "Main", "Oak")
_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "web.de", "outlook.com", "bk.ru")
_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
_LATIN_VARIANTS = {"х": ("kh", "h"), "й": ("y", "i", "j"), "я": ("ya", "ia"), "ц": ("ts", "c")}


def transliterate(text: str, rng: random.Random) -> str:
    """Cyrillic written in Latin the way people do it: with varying spellings."""
    out = []
    for char in text:
        lower = char.lower()
        if lower in _LATIN:
            latin = rng.choice(_LATIN_VARIANTS.get(lower, (_LATIN[lower],)))
            out.append(latin.capitalize() if char.isupper() else latin)
        else:
            out.append(char)
    return "".join(out)


def _stem(rng: random.Random, syllables: tuple[str, ...] | list[str], parts: int) -> str:
    return "".join(rng.choice(syllables) for _ in range(parts)).capitalize()


class _Entity:
    __slots__ = ("address", "city", "country", "email", "form", "phone", "tax_id", "words")

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            setattr(self, name, value)


def _new_entity(
    rng: random.Random, stems: list[tuple[str, list[str]]], common: _CommonNames | None = None
) -> _Entity:
    country = rng.choices(("ru", "de", "en"), weights=(6, 2, 2))[0]
    if common is not None and rng.random() < common.share:
        # A short name many companies have ("Ромашка", "Восток"), drawn by its frequency.
        country = "ru"
        words = [common.draw(rng), _business(rng, country)]
    elif stems and rng.random() < 0.3:
        # A near-namesake: a known name stem, but another business, form, city and numbers.
        country, words = rng.choice(stems)
        words = [words[0], _business(rng, country)]
    else:
        words = _words(rng, country)
        stems.append((country, words))
    city, street = _place(rng, country)
    form = rng.choice({"ru": _RU_FORMS, "de": _DE_FORMS, "en": _EN_FORMS}[country])
    tax_id = "".join(rng.choice("0123456789") for _ in range(10 if country == "ru" else 9))
    code = {"ru": "7", "de": "49", "en": "44"}[country]
    phone = f"{code}{rng.randint(300, 999)}{rng.randint(1_000_000, 9_999_999)}"
    local = transliterate("".join(words), rng).lower().replace(" ", "")[:12]
    if common is not None and words[0] in common.known:
        # Namesakes do not write from near-identical mailboxes: the mailbox is a person's.
        local = transliterate(_stem(rng, _RU_SYLLABLES, 3), rng).lower() + "." + local[:2]
    email = f"{local}{rng.randint(1, 999)}@{rng.choice(_DOMAINS)}"
    address = f"{city}|{street}|{rng.randint(1, 150)}"
    return _Entity(address=address, city=city, country=country, email=email, form=form,
                   phone=phone, tax_id=tax_id, words=words)  # fmt: skip


def _words(rng: random.Random, country: str) -> list[str]:
    if country == "ru":
        return [_stem(rng, _RU_SYLLABLES, rng.randint(2, 4)), _business(rng, country)]
    if country == "de":
        first = rng.choice(_DE_NAMES) if rng.random() < 0.5 else _stem(rng, _DE_SYLLABLES, 2)
        return [first + _stem(rng, _DE_SYLLABLES, 1).lower(), _business(rng, country)]
    return [rng.choice(_EN_WORDS), _stem(rng, _EN_SYLLABLES, 3), _business(rng, country)]


def _business(rng: random.Random, country: str) -> str:
    return rng.choice({"ru": _RU_BUSINESS, "de": _DE_BUSINESS, "en": _EN_BUSINESS}[country])


def _place(rng: random.Random, country: str) -> tuple[str, str]:
    cities, streets = {
        "ru": (_RU_CITIES, _RU_STREETS), "de": (_DE_CITIES, _DE_STREETS),
        "en": (_EN_CITIES, _EN_STREETS),
    }[country]  # fmt: skip
    return rng.choice(cities), rng.choice(streets)


def _name(entity: _Entity, rng: random.Random, *, variant: bool) -> str:
    words = list(entity.words)
    if not variant:
        return _with_form(" ".join(words), entity, latin=False, rng=rng)
    if len(words) > 1 and rng.random() < 0.2:
        words[0], words[-1] = words[-1], words[0]
    text = " ".join(words)
    latin = entity.country == "ru" and rng.random() < 0.35
    if latin:
        text = transliterate(text, rng)
    if rng.random() < 0.5:
        text = _typo(text, rng)
    if rng.random() < 0.2:
        text = text.upper() if rng.random() < 0.5 else text.lower()
    return _with_form(text, entity, latin=latin, rng=rng)


def _with_form(text: str, entity: _Entity, *, latin: bool, rng: random.Random) -> str:
    if entity.country == "ru" and not latin:
        quote = rng.choice(("«{}»", '"{}"', "{}"))
        return f"{entity.form} {quote.format(text)}"
    form = _RU_LATIN_FORMS.get(entity.form, entity.form)
    if rng.random() < 0.15:
        return text
    return f"{text} {form}"


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[1:-1])
    operation = rng.randrange(4)
    if operation == 0:
        return text[:i] + text[i + 1 :]
    if operation == 1:
        return text[:i] + text[i] + text[i:]
    if operation == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeiouаеиоу") + text[i + 1 :]


def _phone(number: str, rng: random.Random) -> str:
    code, rest = (number[0], number[1:]) if number.startswith("7") else (number[:2], number[2:])
    area, local = rest[:3], rest[3:]
    formats = [
        f"+{code} ({area}) {local[:3]}-{local[3:5]}-{local[5:]}",
        f"+{code}{area}{local}",
        f"+{code} {area} {local}",
    ]
    if code == "7":
        formats += [f"8 {area} {local}", f"8{area}{local}", f"8 ({area}) {local[:3]}-{local[3:]}"]
    return rng.choice(formats)


def _address(entity: _Entity, rng: random.Random) -> str:
    city, street, house = entity.address.split("|")
    if entity.country == "ru":
        form = rng.choice((
            "г. {c}, ул. {s}, д. {h}", "{c}, улица {s}, дом {h}", "ул {s} {h}, {c}",
            "{c}, ул. {s}, {h}",
        ))  # fmt: skip
    elif entity.country == "de":
        form = rng.choice(("{s}straße {h}, {c}", "{s}str. {h}, {c}", "{c}, {s}strasse {h}"))
    else:
        form = rng.choice(("{h} {s} Street, {c}", "{h} {s} St., {c}", "{c}, {h} {s} St"))
    return form.format(c=city, s=street, h=house)


def _record(entity: _Entity, rng: random.Random, *, variant: bool) -> Record:
    keep = 0.7 if variant else 0.9

    def maybe(value: str) -> str | None:
        return value if rng.random() < keep else None

    email = entity.email
    if variant and rng.random() < 0.3:
        email = email.capitalize() if rng.random() < 0.5 else email.upper()
    record: Record = {
        "name": _name(entity, rng, variant=variant),
        "tax_id": maybe(entity.tax_id),
        "phone": maybe(_phone(entity.phone, rng)),
        "email": maybe(email),
        "address": maybe(_address(entity, rng)),
    }
    if variant and not any(record[f] for f in ("tax_id", "phone", "email")):
        record["phone"] = _phone(entity.phone, rng)
    return record


class _CommonNames:
    """Short company names with Zipf frequencies: the first is the most common, the n-th is
    n times rarer; the more companies, the more names (one per ``per_name`` companies)."""

    def __init__(self, size: int, share: float, rng: random.Random, per_name: int = 50) -> None:
        self.share = share
        count = max(int(size * share / per_name), 10)
        self.names = [_stem(rng, _RU_SYLLABLES, rng.randint(2, 3)) for _ in range(count)]
        self.weights = list(itertools.accumulate(1 / rank for rank in range(1, count + 1)))
        self.known = frozenset(self.names)

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.weights)[0]


def generate(
    size: int, *, duplicate_share: float = 0.1, seed: int = 0, common_share: float = 0.0
) -> Iterator[tuple[str, str, Record]]:
    """``size`` records as ``(record_id, entity_id, record)``; one entity's are duplicates.

    ``common_share`` of the companies take a short name many others have, with realistic
    (Zipf) frequencies: a base where blocks on name words grow with the base.
    """
    rng = random.Random(seed)
    common = _CommonNames(size, common_share, random.Random(seed + 1)) if common_share else None
    stems: list[tuple[str, list[str]]] = []
    entities: list[_Entity] = []
    for number in range(size):
        if entities and rng.random() < duplicate_share:
            entity_number = rng.randrange(len(entities))
            record = _record(entities[entity_number], rng, variant=True)
        else:
            entity_number = len(entities)
            entities.append(_new_entity(rng, stems, common))
            record = _record(entities[entity_number], rng, variant=False)
        yield f"r{number}", f"e{entity_number}", record


_WORD = re.compile(r"[^\W\d_]{5,}")
_PAIR = re.compile(r"([^\W\d_]{3,}) ([^\W\d_]{3,})")
HARD_KINDS = ("first_letter", "merged", "split")
"""The slips of :func:`hard_variant`: a typo in the first letter, two words run together,
one word split in two."""


def hard_variant(name: str, kind: str, rng: random.Random) -> str | None:
    """``name`` with one slip the plain typos above never make, or ``None`` if it has no
    word the slip applies to."""
    if kind == "merged":
        pair = _PAIR.search(name)
        return None if pair is None else name[: pair.start(2) - 1] + name[pair.start(2) :]
    word = _WORD.search(name)
    if word is None:
        return None
    start, end = word.span()
    if kind == "first_letter":
        typo = rng.choice(("", rng.choice("aeiouаеиоу")))
        return name[:start] + typo + name[start + 1 :]
    middle = (start + end) // 2
    return name[:middle] + " " + name[middle:]
