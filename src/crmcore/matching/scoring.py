"""Scoring of prepared records: levels, match weights, term frequencies and probabilities.

A :class:`Scorer` is a model compiled for speed (weights computed once); the index and the
batch path score thousands of pairs through it. :class:`TermFrequencies` counts the values of
a base, so that an exact agreement on a rare value weighs more than one on a common value.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Final

from crmcore.matching.compare import blocking_keys, similarity_for
from crmcore.matching.model import Candidate, FieldEvidence, FieldSpec, MatchModel
from crmcore.matching.normalize import PART_SEPARATOR, FieldKind
from crmcore.matching.records import MatchRecord, Prepared, prepare

__all__ = ["Scorer", "TermFrequencies", "compare_records", "floor_of", "scorer_for"]

MAX_ADJUSTMENT: Final = 4.0
"""Bits a term frequency may add to or take from an exact agreement."""
_MAX_BITS: Final = 60.0
_MARGIN: Final = 1e-9
"""Bits by which a pair must miss the floor before scoring stops early (rounding aside)."""
_COST: Final = {
    FieldKind.TAX_ID: 0,
    FieldKind.IDENTIFIER: 0,
    FieldKind.DATE: 0,
    FieldKind.POSTCODE: 0,
    FieldKind.CATEGORY: 0,
    FieldKind.PHONE: 1,
    FieldKind.EMAIL: 1,
    FieldKind.TEXT: 2,
    FieldKind.ADDRESS: 2,
}
"""How dear a kind's similarity is: cheap codes are compared first when scoring may stop
early, names (three views each) last."""


def probability_of(weight: float) -> float:
    """The probability for log-odds ``weight`` (in bits)."""
    return 1.0 / (1.0 + math.pow(2.0, -max(-_MAX_BITS, min(_MAX_BITS, weight))))


def floor_of(threshold: float) -> float:
    """The log-odds below which no pair reaches ``threshold`` (minus infinity at 0 or 1).

    >>> floor_of(0.5)
    0.0
    """
    if not 0 < threshold < 1:
        return -math.inf
    return math.log2(threshold / (1 - threshold))


class TermFrequencies:
    """How often each normalized value occurs per field, kept up to date as records come and go."""

    __slots__ = ("_counts", "_present", "_squares")

    def __init__(self, size: int) -> None:
        self._counts: list[Counter[str]] = [Counter() for _ in range(size)]
        self._present = [0] * size
        self._squares = [0] * size

    def add(self, fields: Sequence[int], values: Prepared) -> None:
        """Count the values of one record in the given fields."""
        for index in fields:
            value = values[index]
            if value is not None:
                count = self._counts[index][value]
                self._counts[index][value] = count + 1
                self._present[index] += 1
                self._squares[index] += 2 * count + 1

    def remove(self, fields: Sequence[int], values: Prepared) -> None:
        """Forget the values of one record counted by :meth:`add`."""
        for index in fields:
            value = values[index]
            if value is not None:
                count = self._counts[index][value]
                if count <= 1:
                    del self._counts[index][value]
                else:
                    self._counts[index][value] = count - 1
                self._present[index] -= 1
                self._squares[index] -= 2 * count - 1

    def restricted(self, fields: Sequence[int], records: Mapping[str, Prepared]) -> TermFrequencies:
        """A copy that knows only the values of ``records`` but the totals of the whole, so
        that it adjusts their agreements as the whole would (what a partition needs)."""
        copy = TermFrequencies(len(self._counts))
        copy._present = list(self._present)
        copy._squares = list(self._squares)
        for index in fields:
            counts = self._counts[index]
            wanted = {v for values in records.values() if (v := values[index]) is not None}
            copy._counts[index] = Counter({value: counts[value] for value in wanted})
        return copy

    def adjustment(self, index: int, left: str, right: str) -> float:
        """Bits to add to an exact agreement on these values: positive when they are rare."""
        present = self._present[index]
        if present == 0:
            return 0.0
        count = max(self._counts[index].get(left, 0), self._counts[index].get(right, 0), 1)
        # The average chance that two records share a value, over this value's chance.
        bits = math.log2(max(self._squares[index], present) / (present * count))
        return max(-MAX_ADJUSTMENT, min(MAX_ADJUSTMENT, bits))


class _Field:
    """One field of a model, compiled: kind, thresholds and the weight of each level."""

    __slots__ = (
        "best",
        "compare",
        "index",
        "kind",
        "name",
        "scale",
        "term_frequency",
        "thresholds",
        "weights",
    )

    def __init__(self, index: int, spec: FieldSpec) -> None:
        self.index = index
        self.name = spec.name
        self.kind = spec.kind
        self.compare = similarity_for(spec.kind)
        self.thresholds = spec.thresholds
        self.weights = spec.level_weights
        self.term_frequency = spec.term_frequency
        self.scale = 1.0 if spec.weight is None else float(spec.weight)
        # The most this field can add to a pair's weight (nothing when a value is missing).
        best = max(self.weights)
        if self.term_frequency:
            best = max(best, self.weights[0] + self.scale * MAX_ADJUSTMENT)
        self.best = max(best, 0.0)

    def level(self, left: str, right: str) -> tuple[float, int]:
        """The similarity of two values and the level it falls into."""
        score = 1.0 if left == right else self.compare(left, right)
        for level, threshold in enumerate(self.thresholds):
            if score >= threshold:
                return score, level
        return score, len(self.thresholds)


class Scorer:
    """A model compiled for scoring many pairs: per-field weights and the prior's log-odds."""

    __slots__ = (
        "_order",
        "fields",
        "model",
        "prior_weight",
        "rule_fields",
        "rules",
        "term_frequency_fields",
    )

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self.fields = tuple(_Field(index, spec) for index, spec in enumerate(model.fields))
        self.term_frequency_fields = tuple(f.index for f in self.fields if f.term_frequency)
        self.prior_weight = math.log2(model.prior / (1 - model.prior))
        positions = {name: index for index, name in enumerate(model.field_names)}
        self.rules = tuple(
            (rule.name, tuple(positions[name] for name in rule.fields)) for rule in model.rules
        )
        self.rule_fields = tuple(sorted({fields[0] for _, fields in self.rules}))
        order = sorted(self.fields, key=lambda f: (_COST.get(f.kind, 3), f.index))
        self._order = tuple(
            (field, sum(later.best for later in order[number + 1 :]))
            for number, field in enumerate(order)
        )

    def exact(self, index: int, left: str | None, right: str | None) -> bool:
        """Whether two values of one field agree exactly (one shared phone of several counts)."""
        if left is None or right is None:
            return False
        return left == right or self.fields[index].compare(left, right) >= 1.0

    def caught(self, left: Prepared, right: Prepared) -> dict[int, str]:
        """The fields through which a matching rule reports the pair, each with the rule."""
        found: dict[int, str] = {}
        for name, fields in self.rules:
            if all(self.exact(index, left[index], right[index]) for index in fields):
                for index in fields:
                    found.setdefault(index, name)
        return found

    def exact_keys(self, values: Prepared) -> set[str]:
        """The keys under which the index files the values the matching rules look up."""
        keys: set[str] = set()
        for index in self.rule_fields:
            value = values[index]
            if value is not None:
                keys.update(f"{index}:{part}" for part in value.split(PART_SEPARATOR))
        return keys

    def field_weight(
        self, field: _Field, left: str, right: str, frequencies: TermFrequencies | None
    ) -> tuple[float, float]:
        """The similarity of one field's values and the weight it contributes."""
        score, level = field.level(left, right)
        weight = field.weights[level]
        if level == 0 and field.term_frequency and frequencies is not None:
            weight += field.scale * frequencies.adjustment(field.index, left, right)
        return score, weight

    def match_weight(
        self, left: Prepared, right: Prepared, frequencies: TermFrequencies | None = None
    ) -> float:
        """The log-odds (in bits) that two prepared records are duplicates, prior included."""
        total = self.prior_weight
        for field in self.fields:
            a, b = left[field.index], right[field.index]
            if a is not None and b is not None:
                total += self.field_weight(field, a, b, frequencies)[1]
        return total

    def weight_at_least(
        self,
        left: Prepared,
        right: Prepared,
        frequencies: TermFrequencies | None,
        floor: float,
    ) -> float | None:
        """:meth:`match_weight`, or ``None`` as soon as the fields left to compare can no
        longer lift the pair to ``floor`` bits (cheap fields are compared first)."""
        weights = [0.0] * len(self.fields)
        total = self.prior_weight
        for field, rest in self._order:
            a, b = left[field.index], right[field.index]
            if a is not None and b is not None:
                weight = self.field_weight(field, a, b, frequencies)[1]
                weights[field.index] = weight
                total += weight
            if total + rest < floor - _MARGIN:
                return None
        # Added up in the fields' order, as match_weight does, to the last bit.
        result = self.prior_weight
        for weight in weights:
            result += weight
        return result

    def candidate(
        self,
        record_id: str,
        left: Prepared,
        right: Prepared,
        frequencies: TermFrequencies | None = None,
    ) -> Candidate:
        """The scored pair with its explanation, field by field."""
        evidence = tuple(self._evidence(left, right, frequencies, self.caught(left, right)))
        weight = self.prior_weight + sum(item.weight for item in evidence)
        return Candidate(
            record_id=record_id, probability=probability_of(weight), explanation=evidence
        )

    def _evidence(
        self,
        left: Prepared,
        right: Prepared,
        frequencies: TermFrequencies | None,
        caught: dict[int, str],
    ) -> Iterator[FieldEvidence]:
        for field in self.fields:
            a, b = left[field.index], right[field.index]
            score: float | None = None
            weight = 0.0
            if a is not None and b is not None:
                score, weight = self.field_weight(field, a, b, frequencies)
            yield FieldEvidence(
                field=field.name,
                left=a,
                right=b,
                similarity=score,
                weight=weight,
                rule=caught.get(field.index),
            )

    def keys(self, values: Prepared) -> set[str]:
        """The blocking keys of a prepared record, each tagged with its field's position."""
        keys: set[str] = set()
        for field in self.fields:
            value = values[field.index]
            if value is not None:
                prefix = f"{field.index}:"
                keys.update(prefix + key for key in blocking_keys(field.kind, value))
        return keys


@lru_cache(maxsize=64)
def scorer_for(model: MatchModel) -> Scorer:
    """The compiled scorer of ``model`` (cached: models are frozen and hashable)."""
    return Scorer(model)


def compare_records(model: MatchModel, left: MatchRecord, right: MatchRecord) -> Candidate:
    """Two records scored against each other; the right one's id is left empty."""
    scorer = scorer_for(model)
    return scorer.candidate("", prepare(model, left), prepare(model, right))
