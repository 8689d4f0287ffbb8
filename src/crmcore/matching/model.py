"""The match model: which fields to compare and how much each level of agreement weighs.

A :class:`MatchModel` is a Fellegi-Sunter model: for every field, comparison levels (exact,
close, fair, different) with ``m`` (how often duplicates fall into the level) and ``u`` (how
often different records do). A level's match weight is ``log2(m / u)``; the weights of all
fields plus the prior give the log-odds of a duplicate, hence a probability in [0, 1].
Missing values weigh nothing. Models are frozen values: :meth:`MatchModel.fit` returns a new one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from crmcore.errors import Violation
from crmcore.matching.compare import DEFAULT_PARAMETERS, TERM_FREQUENCY_KINDS
from crmcore.matching.normalize import FieldKind
from crmcore.matching.partners import PARTNER_FIELDS
from crmcore.validation import (
    Model,
    bounded_text,
    checks,
    each,
    instance_of,
    invariant,
    positive_int,
)

if TYPE_CHECKING:
    from crmcore.matching.records import MatchRecord

__all__ = [
    "STRONG_KINDS",
    "Candidate",
    "DuplicatePair",
    "FieldEvidence",
    "FieldSpec",
    "MatchModel",
    "MatchingRule",
]

_KINDS = ", ".join(kind.value for kind in FieldKind)
_SUM_TOLERANCE = 1e-3
_MAX_RULES = 32

STRONG_KINDS: Final = frozenset(
    {FieldKind.TAX_ID, FieldKind.IDENTIFIER, FieldKind.PHONE, FieldKind.EMAIL}
)
"""Kinds of identifier that one record shares exactly with another only by being the same."""


def _kind(value: object) -> object:
    """A :class:`FieldKind` from its name; anything else is kept for the check to report."""
    if isinstance(value, str):
        try:
            return FieldKind(value)
        except ValueError:
            return value
    return value


def _field_kind(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, FieldKind):
        yield Violation(field=field, message=f"must be one of {_KINDS}", value=value)


def _tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _probability(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        yield Violation(
            field=field, message="must be a number strictly between 0 and 1", value=value
        )


def _threshold(field: str, value: object) -> Iterator[Violation]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        yield Violation(field=field, message="must be a number in (0, 1]", value=value)


def _optional_weight(field: str, value: object) -> Iterator[Violation]:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 100:
        yield Violation(field=field, message="must be None or a number in [0, 100)", value=value)


def _defaults(kind: object) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    return (
        DEFAULT_PARAMETERS.get(kind, ((), (), ())) if isinstance(kind, FieldKind) else ((), (), ())
    )


@attrs.frozen(kw_only=True)
class FieldSpec(Model):
    """One compared field: its ``name`` in the records, its ``kind`` and its parameters.

    ``thresholds`` cut the similarity into levels; ``m`` and ``u`` hold one probability per
    level plus one for "below every threshold". ``weight`` scales the field's evidence
    (``None`` means 1; 0 shows the field in explanations without letting it count).
    ``term_frequency`` makes an exact agreement on a rare value weigh more than on a common one.
    """

    name: str = attrs.field(metadata=checks(bounded_text(64)))
    kind: FieldKind = attrs.field(converter=_kind, metadata=checks(_field_kind))
    weight: float | None = attrs.field(default=None, metadata=checks(_optional_weight))
    thresholds: tuple[float, ...] = attrs.field(
        converter=_tuple,
        default=attrs.Factory(lambda self: _defaults(self.kind)[0], takes_self=True),
        metadata=checks(each(_threshold)),
    )
    m: tuple[float, ...] = attrs.field(
        converter=_tuple,
        default=attrs.Factory(lambda self: _defaults(self.kind)[1], takes_self=True),
        metadata=checks(each(_probability)),
    )
    u: tuple[float, ...] = attrs.field(
        converter=_tuple,
        default=attrs.Factory(lambda self: _defaults(self.kind)[2], takes_self=True),
        metadata=checks(each(_probability)),
    )
    term_frequency: bool = attrs.field(
        default=attrs.Factory(lambda self: self.kind in TERM_FREQUENCY_KINDS, takes_self=True),
        metadata=checks(instance_of(bool)),
    )

    # The default levels follow the kind: with a bad kind they are not looked at.
    @invariant("kind", "thresholds", "m", "u")
    def _levels(self) -> Iterator[Violation]:
        if not self.thresholds:
            yield Violation(field="thresholds", message="must hold at least one threshold")
        if list(self.thresholds) != sorted(set(self.thresholds), reverse=True):
            yield Violation(field="thresholds", message="must be strictly decreasing")
        for name in ("m", "u"):
            yield from self._distribution(name)

    def _distribution(self, name: str) -> Iterator[Violation]:
        values: tuple[float, ...] = getattr(self, name)
        if len(values) != len(self.thresholds) + 1:
            message = f"must hold {len(self.thresholds) + 1} probabilities (one per level)"
            yield Violation(field=name, message=message, value=values)
        elif abs(sum(values) - 1) > _SUM_TOLERANCE:
            yield Violation(field=name, message="must add up to 1", value=values)

    @property
    def level_weights(self) -> tuple[float, ...]:
        """The match weight (in bits) of each level: ``log2(m / u)`` scaled by ``weight``."""
        scale = 1.0 if self.weight is None else float(self.weight)
        return tuple(scale * math.log2(m / u) for m, u in zip(self.m, self.u, strict=True))


def _fields(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple) or not value:
        yield Violation(field=field, message="must be a non-empty tuple of FieldSpec")
        return
    seen: set[str] = set()
    for index, spec in enumerate(value):
        if not isinstance(spec, FieldSpec):
            yield Violation(field=f"{field}[{index}]", message="must be a FieldSpec", value=spec)
        elif spec.name in seen:
            yield Violation(field=f"{field}[{index}]", message=f"repeats field {spec.name!r}")
        else:
            seen.add(spec.name)


def _field_names(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, tuple) or not value:
        yield Violation(field=field, message="must be a non-empty tuple of field names")
        return
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name:
            yield Violation(field=f"{field}[{index}]", message="must be a field name", value=name)


@attrs.frozen(kw_only=True)
class MatchingRule(Model):
    """A criterion checked beside the probability: a record whose ``fields`` all agree exactly
    with the one asked about is reported whatever its probability, as a matching rule does.

    One strong identifier (a tax id, a phone, an e-mail) shared exactly is worth a person's
    look even when the names are spelled apart and the model's probability stays low.
    """

    name: str = attrs.field(metadata=checks(bounded_text(64)))
    fields: tuple[str, ...] = attrs.field(converter=_tuple, metadata=checks(_field_names))

    @classmethod
    def exact(cls, field: str) -> MatchingRule:
        """The rule "the same ``field``", named ``exact_<field>``.

        >>> MatchingRule.exact("tax_id")
        MatchingRule(name='exact_tax_id', fields=('tax_id',))
        """
        return cls(name=f"exact_{field}", fields=(field,))


@attrs.frozen(kw_only=True)
class FieldEvidence:
    """What one field said about a pair: both normalized values, their similarity, the weight.

    ``similarity`` is ``None`` and ``weight`` 0 when either value is missing. ``rule`` names
    the :class:`MatchingRule` that reported the pair through this field, if one did.
    """

    field: str
    left: str | None
    right: str | None
    similarity: float | None
    weight: float
    rule: str | None = None


@attrs.frozen(kw_only=True)
class Candidate:
    """A record that may be a duplicate of the one asked about, with the evidence for it."""

    record_id: str
    probability: float
    explanation: tuple[FieldEvidence, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        """The matching rules that reported this candidate, whatever its probability."""
        return tuple(dict.fromkeys(e.rule for e in self.explanation if e.rule is not None))

    @property
    def match_weight(self) -> float:
        """The sum of the fields' weights, in bits (the prior not included)."""
        return sum(evidence.weight for evidence in self.explanation)


@attrs.frozen(kw_only=True)
class DuplicatePair:
    """Two records that are likely duplicates, with the evidence of each field."""

    left_id: str
    right_id: str
    probability: float
    explanation: tuple[FieldEvidence, ...]


@attrs.frozen(kw_only=True)
class MatchModel(Model):
    """The fields compared, their parameters and the prior probability of a duplicate.

    ``prior`` is the share of duplicates among the pairs a query compares. A query looks at no
    blocking key shared by more than ``max_block_size`` records and scores at most
    ``max_candidates`` records, the ones sharing the rarest keys with it. ``rules`` are the
    :class:`MatchingRule` criteria under which a query reports a record whatever its
    probability.
    """

    fields: tuple[FieldSpec, ...] = attrs.field(converter=_tuple, metadata=checks(_fields))
    prior: float = attrs.field(default=0.01, metadata=checks(_probability))
    max_block_size: int = attrs.field(default=1000, metadata=checks(positive_int))
    max_candidates: int = attrs.field(default=64, metadata=checks(positive_int))
    rules: tuple[MatchingRule, ...] = attrs.field(
        default=(),
        converter=_tuple,
        metadata=checks(each(instance_of(MatchingRule), max_items=_MAX_RULES)),
    )

    @invariant("fields", "rules")
    def _rule_fields(self) -> Iterator[Violation]:
        names = set(self.field_names)
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            if rule.name in seen:
                yield Violation(field=f"rules[{index}]", message=f"repeats rule {rule.name!r}")
            seen.add(rule.name)
            for name in rule.fields:
                if name not in names:
                    message = f"names {name[:64]!r}, which is not a field of the model"
                    yield Violation(field=f"rules[{index}].fields", message=message)

    @classmethod
    def with_exact_rules(cls, fields: Sequence[FieldSpec], **options: Any) -> MatchModel:
        """A model of ``fields`` with an exact-agreement rule for each strong identifier among
        them (tax ids, identifiers, phones, e-mails): see :data:`STRONG_KINDS`."""
        rules = tuple(MatchingRule.exact(spec.name) for spec in fields if spec.kind in STRONG_KINDS)
        return cls(fields=tuple(fields), rules=rules, **options)

    @classmethod
    def for_partners(cls) -> MatchModel:
        """The ready model for :class:`~crmcore.partners.Partner` records (see ``partner_record``).

        The full name counts half: it mostly repeats the short name. The same tax id, OGRN,
        phone or e-mail as a known card is always reported (see :class:`MatchingRule`).
        """
        return cls.with_exact_rules(
            [
                FieldSpec(name=name, kind=kind, weight=0.5 if name == "full_name" else None)
                for name, kind in PARTNER_FIELDS
            ]
        )

    @property
    def field_names(self) -> tuple[str, ...]:
        """The names of the compared fields, in order."""
        return tuple(spec.name for spec in self.fields)

    def normalize(self, record: MatchRecord) -> dict[str, str | None]:
        """The normalized values of ``record``, field by field; raises on a bad record."""
        from crmcore.matching.records import prepare  # noqa: PLC0415 - records imports model

        return dict(zip(self.field_names, prepare(self, record), strict=True))

    def explain(self, left: MatchRecord, right: MatchRecord) -> Candidate:
        """The probability that two records are duplicates, with the evidence of each field."""
        from crmcore.matching.scoring import compare_records  # noqa: PLC0415 - scoring imports model

        return compare_records(self, left, right)

    def probability(self, left: MatchRecord, right: MatchRecord) -> float:
        """The probability that two records are duplicates (symmetric in its arguments)."""
        return self.explain(left, right).probability

    def fit(
        self,
        records: Iterable[MatchRecord],
        *,
        labeled_pairs: Sequence[tuple[MatchRecord, MatchRecord, bool]] = (),
        sample_size: int = 20_000,
        iterations: int = 25,
        seed: int = 0,
    ) -> MatchModel:
        """A new model with ``m``, ``u`` and the prior estimated from ``records`` and labels.

        Unlabeled records go through EM over the pairs blocking would compare (as Splink
        does); ``labeled_pairs`` (confirmed or rejected duplicates) pin their pairs' classes.
        """
        from crmcore.matching.fit import fit_model  # noqa: PLC0415 - fit imports model

        return fit_model(
            self,
            records,
            labeled_pairs=labeled_pairs,
            sample_size=sample_size,
            iterations=iterations,
            seed=seed,
        )

    def with_parameters(
        self, parameters: Mapping[str, tuple[Any, Any]], prior: float
    ) -> MatchModel:
        """A copy with new ``(m, u)`` for the named fields and a new prior."""
        fields = tuple(
            attrs.evolve(spec, m=parameters[spec.name][0], u=parameters[spec.name][1])
            if spec.name in parameters
            else spec
            for spec in self.fields
        )
        return attrs.evolve(self, fields=fields, prior=prior)
