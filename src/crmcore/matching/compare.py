"""Similarity, comparison levels and blocking keys of normalized values, per field kind.

A similarity is a number in [0, 1] from a ``rapidfuzz`` scorer; comparison levels cut it
into bands (exact, close, fair, different) whose match weights the model holds. Blocking keys
are the short strings under which the index files a value, so that a query looks only at
records sharing one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from crmcore.matching.normalize import PART_SEPARATOR, FieldKind

__all__ = [
    "DEFAULT_PARAMETERS",
    "TERM_FREQUENCY_KINDS",
    "blocking_keys",
    "similarity",
    "similarity_for",
]

Similarity = Callable[[str, str], float]

_MAX_PAIRS: Final = 4
"""Parts of a phone or e-mail value compared pairwise; more are compared by equality only."""
_JOINED_AT_MOST: Final = 95.0
"""Names that are equal only once their spaces are dropped are close, not the same."""
_OTHER_NUMBER_AT_MOST: Final = 0.5
"""Two addresses or mailboxes whose numbers disagree are different, however alike the rest."""
_NUMBERS: Final = re.compile(r"\d+")


def _names(left: str, right: str) -> float:
    """The best of three views of two names, so that no one kind of slip hides a duplicate.

    Sorting the words first forgives their order, but a typo in a first letter then moves a
    word elsewhere ("htama mervolg" against "mervolg shtama"); the plain ratio forgives that;
    and comparing without spaces forgives two words run together or one split in two.
    """
    best = fuzz.token_sort_ratio(left, right)
    if best < 100:
        best = max(best, fuzz.ratio(left, right, score_cutoff=best))
        if " " in left or " " in right:
            joined = fuzz.ratio(left.replace(" ", ""), right.replace(" ", ""), score_cutoff=best)
            best = max(best, min(joined, _JOINED_AT_MOST))
    return best / 100.0


def _numbers_disagree(left: str, right: str) -> bool:
    """Whether both values hold numbers and neither's numbers are all among the other's: two
    houses of one street ("lenina 45", "lenina 62"), two numbered mailboxes ("sales1", "sales2")."""
    lefts = set(_NUMBERS.findall(left))
    rights = set(_NUMBERS.findall(right))
    return bool(lefts) and bool(rights) and not (lefts <= rights or rights <= lefts)


def _addresses(left: str, right: str) -> float:
    """The name similarity of two addresses, but different when their house numbers are."""
    score = _names(left, right)
    if score < 1.0 and _numbers_disagree(left, right):
        return min(score, _OTHER_NUMBER_AT_MOST)
    return score


def _mailbox(left: str, right: str) -> float:
    """How alike two e-mail addresses are: a typo keeps them close, another number does not."""
    score = float(OSA.normalized_similarity(left, right))
    if score < 1.0 and _numbers_disagree(left.partition("@")[0], right.partition("@")[0]):
        return min(score, _OTHER_NUMBER_AT_MOST)
    return score


def _texts(left: str, right: str) -> float:
    return fuzz.token_set_ratio(left, right) / 100.0


def _exact(left: str, right: str) -> float:
    return 1.0 if left == right else 0.0


def _parts_with(compare: Similarity) -> Similarity:
    """The best match by ``compare`` between the phones or e-mails of two values listing
    several."""

    def best(left: str, right: str) -> float:
        if left == right:
            return 1.0
        if PART_SEPARATOR not in left and PART_SEPARATOR not in right:
            return compare(left, right)
        lefts = left.split(PART_SEPARATOR)
        rights = right.split(PART_SEPARATOR)
        if not set(lefts).isdisjoint(rights):
            return 1.0
        return max(compare(a, b) for a in lefts[:_MAX_PAIRS] for b in rights[:_MAX_PAIRS])

    return best


def _codes(left: str, right: str) -> float:
    return float(OSA.normalized_similarity(left, right))


_parts = _parts_with(_codes)
_mailboxes = _parts_with(_mailbox)


_SIMILARITIES: Final[dict[FieldKind, Similarity]] = {
    FieldKind.COMPANY_NAME: _names,
    FieldKind.PERSON_NAME: _names,
    FieldKind.NAME: _names,
    FieldKind.ADDRESS: _addresses,
    FieldKind.PHONE: _parts,
    FieldKind.EMAIL: _mailboxes,
    FieldKind.TAX_ID: _codes,
    FieldKind.IDENTIFIER: _codes,
    FieldKind.DATE: _codes,
    FieldKind.POSTCODE: _codes,
    FieldKind.CATEGORY: _exact,
    FieldKind.TEXT: _texts,
}


def similarity(kind: FieldKind, left: str, right: str) -> float:
    """How alike two normalized values of ``kind`` are, from 0 (nothing alike) to 1 (equal).

    >>> similarity(FieldKind.COMPANY_NAME, "romashka torg", "torg romashka")
    1.0
    >>> round(similarity(FieldKind.COMPANY_NAME, "htama mervolg", "shtama mervolg"), 2)
    0.96
    >>> similarity(FieldKind.COMPANY_NAME, "stroyural komgazmer", "stroyuralkom gazmer")
    0.95
    >>> round(similarity(FieldKind.TAX_ID, "7701234567", "7701234576"), 2)
    0.9
    >>> round(similarity(FieldKind.EMAIL, "romashka.info@mail.ru", "romashka.ifno@mail.ru"), 2)
    0.95
    >>> similarity(FieldKind.EMAIL, "romashka469@mail.ru", "romashka539@mail.ru")
    0.5
    >>> similarity(FieldKind.ADDRESS, "moskva st lenina 45", "moskva st lenina 62")
    0.5
    """
    return _SIMILARITIES[kind](left, right)


def similarity_for(kind: FieldKind) -> Similarity:
    """The similarity function of ``kind``, to look up once rather than per comparison."""
    return _SIMILARITIES[kind]


def _name_keys(value: str) -> Iterator[str]:
    tokens = value.split()
    if len(tokens) > 1 or len(value) < 2:
        yield "v" + value
    if len(tokens) > 1:
        # Filed as the token it would be, so that two words run together meet the pair apart.
        yield "t" + "".join(tokens)
    for token in tokens[:12]:
        if len(token) >= 2:
            yield "t" + token
        if len(token) >= 6:
            yield "p" + token[:4]
            yield "s" + token[-4:]


def _part_keys(value: str) -> Iterator[str]:
    for part in value.split(PART_SEPARATOR):
        yield "v" + part
        local, at, _domain = part.partition("@")
        if at and len(local) >= 4:
            yield "l" + local


def _value_key(value: str) -> Iterator[str]:
    yield "v" + value


def _no_keys(_value: str) -> Iterator[str]:
    return iter(())


def _text_keys(value: str) -> Iterator[str]:
    for token in value.split()[:24]:
        if len(token) >= 4:
            yield "t" + token


_KEYS: Final[dict[FieldKind, Callable[[str], Iterator[str]]]] = {
    FieldKind.COMPANY_NAME: _name_keys,
    FieldKind.PERSON_NAME: _name_keys,
    FieldKind.NAME: _name_keys,
    # Address words (cities, streets) are shared by too many records to narrow anything down.
    FieldKind.ADDRESS: _value_key,
    FieldKind.PHONE: _part_keys,
    FieldKind.EMAIL: _part_keys,
    FieldKind.TAX_ID: _value_key,
    FieldKind.IDENTIFIER: _value_key,
    FieldKind.DATE: _no_keys,
    FieldKind.POSTCODE: _no_keys,
    FieldKind.CATEGORY: _no_keys,
    FieldKind.TEXT: _text_keys,
}


def blocking_keys(kind: FieldKind, value: str) -> Iterator[str]:
    """The blocking keys of one normalized value (whole tokens, prefixes, exact codes)."""
    return _KEYS[kind](value)


# Per kind: similarity thresholds of the levels, then m (how often duplicates fall into each
# level) and u (how often different records do). The last level is "below every threshold".
DEFAULT_PARAMETERS: Final[
    dict[FieldKind, tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]]
] = {
    FieldKind.COMPANY_NAME: ((1.0, 0.9, 0.8), (0.55, 0.25, 0.12, 0.08), (0.005, 0.025, 0.08, 0.89)),
    FieldKind.PERSON_NAME: ((1.0, 0.9, 0.8), (0.6, 0.2, 0.1, 0.1), (0.005, 0.025, 0.08, 0.89)),
    FieldKind.NAME: ((1.0, 0.9, 0.8), (0.55, 0.25, 0.12, 0.08), (0.005, 0.025, 0.08, 0.89)),
    FieldKind.ADDRESS: ((1.0, 0.9, 0.75), (0.5, 0.2, 0.15, 0.15), (0.005, 0.01, 0.04, 0.945)),
    FieldKind.PHONE: ((1.0, 0.9), (0.75, 0.05, 0.2), (0.001, 0.005, 0.994)),
    FieldKind.EMAIL: ((1.0, 0.88), (0.7, 0.1, 0.2), (0.001, 0.002, 0.997)),
    FieldKind.TAX_ID: ((1.0, 0.9), (0.95, 0.03, 0.02), (0.0005, 0.002, 0.9975)),
    FieldKind.IDENTIFIER: ((1.0, 0.85), (0.9, 0.05, 0.05), (0.001, 0.005, 0.994)),
    FieldKind.DATE: ((1.0, 0.85), (0.85, 0.1, 0.05), (0.01, 0.05, 0.94)),
    FieldKind.POSTCODE: ((1.0, 0.8), (0.85, 0.05, 0.1), (0.02, 0.05, 0.93)),
    FieldKind.CATEGORY: ((1.0,), (0.9, 0.1), (0.2, 0.8)),
    FieldKind.TEXT: ((1.0, 0.85, 0.7), (0.4, 0.3, 0.2, 0.1), (0.01, 0.03, 0.1, 0.86)),
}

TERM_FREQUENCY_KINDS: Final = frozenset(
    {FieldKind.COMPANY_NAME, FieldKind.PERSON_NAME, FieldKind.NAME, FieldKind.ADDRESS}
)
"""Kinds whose exact agreement weighs more for a rare value than for a common one."""
