"""Estimation of a model's parameters: EM over blocked pairs, refined by labeled decisions.

Unlabeled records are paired the way a query pairs them (records sharing rare blocking keys),
each pair is reduced to its comparison levels, and expectation-maximization finds the ``m``
and ``u`` of every level and the share of duplicates. Labeled pairs (duplicates a manager
confirmed or rejected) enter the same iterations with their class fixed, so that a few hundred
decisions correct what the unlabeled data cannot tell.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence

from crmcore.errors import DomainValidationError, Violation
from crmcore.matching.index import DuplicateIndex
from crmcore.matching.model import MatchModel
from crmcore.matching.records import MatchRecord, Prepared, prepare
from crmcore.matching.scoring import Scorer, probability_of, scorer_for
from crmcore.validation import positive_int, raise_violations

__all__ = ["fit_model"]

Pattern = tuple[int, ...]
"""The comparison level of every field of a pair; -1 where a value is missing."""

_PSEUDO_COUNT = 10.0
"""Weight of the starting parameters, in pairs: keeps every level possible and EM stable."""
_LABEL_WEIGHT = 5.0
"""A labeled pair counts as this many unlabeled ones: a person looked at it."""
_FLOOR = 1e-6


def fit_model(
    model: MatchModel,
    records: Iterable[MatchRecord],
    *,
    labeled_pairs: Sequence[tuple[MatchRecord, MatchRecord, bool]],
    sample_size: int,
    iterations: int,
    seed: int,
) -> MatchModel:
    """The model with parameters estimated from ``records`` and ``labeled_pairs``."""
    _check_settings(sample_size, iterations)
    scorer = scorer_for(model)
    prepared = _prepared_records(model, records)
    labeled = _labeled_patterns(scorer, labeled_pairs)
    unlabeled = Counter(
        _pattern(scorer, left, right)
        for left, right in _sampled_pairs(model, prepared, sample_size, seed)
    )
    if not unlabeled and not labeled:
        return model
    estimate = _Estimate.of(model)
    for _ in range(iterations):
        estimate = estimate.step(unlabeled, labeled)
    return estimate.model(model)


def _check_settings(sample_size: object, iterations: object) -> None:
    raise_violations(
        [*positive_int("sample_size", sample_size), *positive_int("iterations", iterations)]
    )


def _prepared_records(model: MatchModel, records: Iterable[MatchRecord]) -> list[Prepared]:
    prepared: list[Prepared] = []
    found: list[Violation] = []
    for position, record in enumerate(records):
        try:
            prepared.append(prepare(model, record))
        except DomainValidationError as error:
            found.extend(error.under(f"records[{position}]").violations)
    if found:
        raise DomainValidationError(found)
    return prepared


def _labeled_patterns(
    scorer: Scorer, pairs: Sequence[tuple[MatchRecord, MatchRecord, bool]]
) -> Counter[tuple[Pattern, bool]]:
    labeled: Counter[tuple[Pattern, bool]] = Counter()
    found: list[Violation] = []
    for position, pair in enumerate(pairs):
        path = f"labeled_pairs[{position}]"
        if not isinstance(pair, tuple) or len(pair) != 3 or not isinstance(pair[2], bool):
            found.append(Violation(field=path, message="must be (record, record, is_duplicate)"))
            continue
        try:
            left, right = prepare(scorer.model, pair[0]), prepare(scorer.model, pair[1])
        except DomainValidationError as error:
            found.extend(error.under(path).violations)
            continue
        labeled[_pattern(scorer, left, right), pair[2]] += 1
    if found:
        raise DomainValidationError(found)
    return labeled


def _sampled_pairs(
    model: MatchModel, records: list[Prepared], sample_size: int, seed: int
) -> list[tuple[Prepared, Prepared]]:
    """Pairs of records a query would compare, from a seeded random sample of queries."""
    if len(records) < 2:
        return []
    index = DuplicateIndex(model)
    for position, values in enumerate(records):
        index.add_prepared(str(position), values)
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    seen: set[tuple[int, int]] = set()
    for position in order:
        for neighbour in index.neighbours(records[position]):
            other = int(neighbour)
            seen.add((min(position, other), max(position, other)))
        if len(seen) >= sample_size:
            break
    return [(records[a], records[b]) for a, b in sorted(seen) if a != b][:sample_size]


def _pattern(scorer: Scorer, left: Prepared, right: Prepared) -> Pattern:
    levels: list[int] = []
    for field in scorer.fields:
        a, b = left[field.index], right[field.index]
        levels.append(-1 if a is None or b is None else field.level(a, b)[1])
    return tuple(levels)


class _Estimate:
    """One EM state: ``m`` and ``u`` per field and level, and the share of duplicates."""

    __slots__ = ("m", "prior", "start", "u")

    def __init__(
        self,
        m: list[list[float]],
        u: list[list[float]],
        prior: float,
        start: tuple[list[list[float]], list[list[float]]],
    ) -> None:
        self.m, self.u, self.prior, self.start = m, u, prior, start

    @classmethod
    def of(cls, model: MatchModel) -> _Estimate:
        m = [list(spec.m) for spec in model.fields]
        u = [list(spec.u) for spec in model.fields]
        return cls(m, u, model.prior, ([list(r) for r in m], [list(r) for r in u]))

    def probability(self, pattern: Pattern) -> float:
        weight = math.log2(self.prior / (1 - self.prior))
        for field, level in enumerate(pattern):
            if level >= 0:
                weight += math.log2(self.m[field][level] / self.u[field][level])
        return probability_of(weight)

    def step(
        self, unlabeled: Counter[Pattern], labeled: Counter[tuple[Pattern, bool]]
    ) -> _Estimate:
        m_sums = [[_PSEUDO_COUNT * p for p in row] for row in self.start[0]]
        u_sums = [[_PSEUDO_COUNT * p for p in row] for row in self.start[1]]
        weighted: list[tuple[Pattern, float, float]] = [
            (pattern, float(count), self.probability(pattern))
            for pattern, count in unlabeled.items()
        ]
        total = float(sum(unlabeled.values()))
        matched = sum(count * probability for _, count, probability in weighted)
        weighted.extend(
            (pattern, _LABEL_WEIGHT * count, 1.0 if is_duplicate else 0.0)
            for (pattern, is_duplicate), count in labeled.items()
        )
        for pattern, count, probability in weighted:
            for field, level in enumerate(pattern):
                if level >= 0:
                    m_sums[field][level] += count * probability
                    u_sums[field][level] += count * (1 - probability)
        prior = min(max(matched / total, _FLOOR), 0.5) if total else self.prior
        return _Estimate(_normalized(m_sums), _normalized(u_sums), prior, self.start)

    def model(self, model: MatchModel) -> MatchModel:
        parameters = {
            spec.name: (tuple(self.m[i]), tuple(self.u[i])) for i, spec in enumerate(model.fields)
        }
        return model.with_parameters(parameters, prior=self.prior)


def _normalized(rows: list[list[float]]) -> list[list[float]]:
    result: list[list[float]] = []
    for row in rows:
        floored = [max(value, _FLOOR) for value in row]
        total = sum(floored)
        result.append([value / total for value in floored])
    return result
