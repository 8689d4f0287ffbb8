"""What the strategies of every area share: choices, ids, aware datetimes, words and names.

Sub-strategies are built once, here and at the top of each module, outside the drawing
functions: hypothesis validates every new strategy object on its first draw, which would
otherwise cost more than the drawing itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Final, TypeAlias, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from crmcore.testing._zones import ZONES

T = TypeVar("T")
Choices: TypeAlias = "st.SearchStrategy[T] | Sequence[T]"
"""A sub-strategy, or a sequence of values to sample from."""

_ZONES: Final = (
    UTC,
    timezone(timedelta(hours=3)),
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(hours=14)),
    timezone(timedelta(hours=-11)),
    ZoneInfo("Asia/Vladivostok"),
    *(ZoneInfo(name) for name in ZONES if name != "UTC"),
)
"""Offsets from -11:00 to +14:00, with halves and quarters, and zones with clock changes."""

_CYRILLIC: Final = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN: Final = "abcdefghijklmnopqrstuvwxyzäöüß"
_KNOWN_WORDS: Final = (
    "Ромашка", "Вектор", "Северный ветер", "Гранит", "Тайга", "Меридиан", "Ёлочка",
    "Acme", "Nordwind", "Blue Harbor", "Zenith", "Müller & Söhne", "O'Hara",
    # Other scripts, and letters whose case folding changes their length or needs the locale.
    "Ελλάς", "東京商事", "شركة النور", "Ереван-Ա", "İstanbul", "Straße", "ǅemal", "Ŀlorenç",
)  # fmt: skip

_SURNAMES: Final = ("Иванов", "Петрова", "Сидоров", "Кузнецова", "Ёлкин", "Smith", "Schmidt")
_GIVEN_NAMES: Final = ("Иван", "Мария", "Пётр", "Анна", "Юлия", "John", "Greta")
_PATRONYMICS: Final = ("Иванович", "Сергеевна", "Петрович", "Андреевна", "")

# Text a person may type on one line, or in notes: no control, format or separator characters.
_LINE_CHARACTERS: Final = st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
_NOTE_CHARACTERS: Final = st.characters(
    exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"), include_characters="\n\t"
)
_WORD: Final = st.sampled_from(_KNOWN_WORDS) | st.text(
    st.sampled_from(_CYRILLIC + _LATIN), min_size=2, max_size=15
).map(str.capitalize)
_NAMES: Final = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
_UPPER: Final = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _strategy(choices: Choices[T]) -> st.SearchStrategy[T]:
    """``choices`` itself if it is a strategy, else a strategy sampling from it."""
    if isinstance(choices, st.SearchStrategy):
        return choices
    return st.sampled_from(choices)


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _digits(size: int) -> st.SearchStrategy[str]:
    """``size`` ASCII digits (a regex ``\\d`` would draw digits of every script)."""
    return st.text(st.sampled_from("0123456789"), min_size=size, max_size=size)


def _free_text(*, max_size: int, multiline: bool = False) -> st.SearchStrategy[str]:
    """Text that starts with a word and goes on with any printable characters."""
    tail = st.text(_NOTE_CHARACTERS if multiline else _LINE_CHARACTERS, max_size=max_size)
    return st.builds("{} {}".format, _WORD, tail)


def _after(moment: datetime, delta: timedelta) -> datetime:
    """``delta`` of absolute time after ``moment``, in ``moment``'s zone (wall-clock
    arithmetic would drop a repeated hour's ``fold`` and go back in time)."""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def identifiers() -> st.SearchStrategy[str]:
    """Ids as hosts make them: UUIDs, database keys and codes such as ``"crm:p-17"``."""
    return st.one_of(
        st.uuids().map(str),
        st.integers(min_value=1, max_value=10**12).map(str),
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,40}", fullmatch=True),
        # As long as an id may be: a column narrower than 128 characters cannot hold it.
        st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{100,127}", fullmatch=True),
    )


def aware_datetimes(
    *, min_value: datetime = datetime(2000, 1, 1), max_value: datetime = datetime(2100, 1, 1)
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in UTC, fixed offsets and zones with daylight saving time."""
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=st.sampled_from(_ZONES))


_IDS: Final = identifiers()
_TIMESTAMPS: Final = aware_datetimes()
_VERSIONS: Final = st.integers(min_value=1, max_value=1000)

_PERSON_NAMES: Final = st.one_of(
    st.builds(
        "{} {} {}".format,
        st.sampled_from(_SURNAMES) | _WORD,
        st.sampled_from(_GIVEN_NAMES),
        st.sampled_from(_PATRONYMICS),
    ),
    st.builds("{} {}".format, st.sampled_from(_GIVEN_NAMES), st.sampled_from(_SURNAMES)),
    _free_text(max_size=30),
)
