"""An incremental index of records for fast duplicate checks (a gazetteer, in dedupe's words).

Records are normalized and filed under their blocking keys when added. A query looks only at
records sharing a key with it, skips keys shared by too many records (as Splink and
recordlinkage do with over-common blocking rules), and fully scores only the records that share
the rarest keys with it, so that its cost stays bounded however large the base grows.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import Any

from crmcore.errors import DomainValidationError, EntityNotFoundError, Violation
from crmcore.matching.model import Candidate, MatchModel
from crmcore.matching.records import MatchRecord, Prepared, prepare
from crmcore.matching.scoring import Scorer, TermFrequencies, probability_of, scorer_for
from crmcore.validation import positive_int

__all__ = ["DuplicateIndex"]

_VISITS_PER_BLOCK = 4
"""A query visits at most this many times ``max_block_size`` records while gathering."""


def query_violations(limit: object, threshold: object) -> list[Violation]:
    """What is wrong with the ``limit`` and ``threshold`` of a query."""
    found = list(positive_int("limit", limit))
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 <= threshold <= 1
    ):
        message = "must be a number from 0 to 1"
        found.append(Violation(field="threshold", message=message, value=threshold))
    return found


def _record_id_violations(record_id: object) -> list[Violation]:
    if not isinstance(record_id, str) or not record_id:
        return [Violation(field="record_id", message="must be a non-empty string", value=record_id)]
    return []


class DuplicateIndex:
    """Records filed by blocking key, queried for the likely duplicates of a new record.

    >>> from crmcore.matching import FieldKind, FieldSpec, MatchModel
    >>> model = MatchModel(fields=[FieldSpec(name="name", kind=FieldKind.COMPANY_NAME)])
    >>> index = DuplicateIndex(model)
    >>> index.add("p1", {"name": "ООО «Ромашка»"})
    >>> [c.record_id for c in index.query({"name": "Romashka LLC"}, threshold=0.1)]
    ['p1']
    """

    def __init__(self, model: MatchModel) -> None:
        if not isinstance(model, MatchModel):
            raise DomainValidationError.single("model", "must be a MatchModel", value=model)
        self._scorer: Scorer = scorer_for(model)
        self._slots: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._values: list[Prepared | None] = []
        self._free: list[int] = []
        self._blocks: dict[str, list[int]] = {}
        self._exact: dict[str, list[int]] = {}
        self._frequencies = TermFrequencies(len(model.fields))

    @property
    def model(self) -> MatchModel:
        """The model the index scores with."""
        return self._scorer.model

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._slots

    def __iter__(self) -> Iterator[str]:
        return iter(self._slots)

    def add(self, record_id: str, record: MatchRecord) -> None:
        """File a new record; an id that is present already is an error (use :meth:`update`)."""
        violations = _record_id_violations(record_id)
        if not violations and record_id in self._slots:
            message = "is in the index already; use update()"
            violations.append(Violation(field="record_id", message=message, value=record_id))
        values = self._checked(record, violations)
        self._insert(record_id, values)

    def add_prepared(self, record_id: str, values: Prepared) -> None:
        """:meth:`add` for values normalized already by the same model (the batch path)."""
        if record_id in self._slots:
            raise DomainValidationError.single(
                "record_id", "is in the index already; use update()", value=record_id
            )
        self._insert(record_id, values)

    def update(self, record_id: str, record: MatchRecord) -> None:
        """Replace the record filed under ``record_id`` with a new version of it."""
        values = self._checked(record, _record_id_violations(record_id))
        if record_id not in self._slots:
            raise EntityNotFoundError("record", record_id)
        self.remove(record_id)
        self._insert(record_id, values)

    def remove(self, record_id: str) -> None:
        """Take a record out of the index; everything it added is undone."""
        slot = self._slots.pop(record_id, None)
        if slot is None:
            raise EntityNotFoundError("record", str(record_id))
        values = self._values[slot]
        assert values is not None
        for key in self._scorer.keys(values):
            block = self._blocks[key]
            block.remove(slot)
            if not block:
                del self._blocks[key]
        for key in self._scorer.exact_keys(values):
            exact = self._exact[key]
            exact.remove(slot)
            if not exact:
                del self._exact[key]
        self._frequencies.remove(self._scorer.term_frequency_fields, values)
        self._ids[slot] = None
        self._values[slot] = None
        self._free.append(slot)

    def normalized(self, record_id: str) -> dict[str, str | None]:
        """The normalized values the index keeps for ``record_id``."""
        slot = self._slots.get(record_id)
        if slot is None:
            raise EntityNotFoundError("record", str(record_id))
        values = self._values[slot]
        assert values is not None
        return dict(zip(self.model.field_names, values, strict=True))

    def query(
        self, record: MatchRecord, *, limit: int = 10, threshold: float = 0.5
    ) -> list[Candidate]:
        """The records most likely to be duplicates of ``record``, most likely first.

        Candidates with a probability of at least ``threshold`` are returned, at most ``limit``
        of them, each with its explanation. Besides them, up to ``limit`` records caught by one
        of the model's matching rules (an exact tax id, phone, e-mail, ...) are returned
        whatever their probability, the rule named in their explanation.
        """
        violations = query_violations(limit, threshold)
        values = self._checked(record, violations)
        return self.query_prepared(values, limit=limit, threshold=threshold, rules=True)

    def query_prepared(
        self,
        values: Prepared,
        *,
        limit: int,
        threshold: float,
        exclude: str | None = None,
        rules: bool = False,
    ) -> list[Candidate]:
        """:meth:`query` for values normalized already, optionally leaving one record out;
        the matching rules are applied only when ``rules`` is true (the batch path scores by
        probability alone)."""
        scorer = self._scorer
        scored: list[tuple[float, str, int]] = []
        for slot in self._gather(values):
            record_id = self._ids[slot]
            other = self._values[slot]
            if record_id is None or other is None or record_id == exclude:
                continue
            weight = scorer.match_weight(values, other, self._frequencies)
            if probability_of(weight) >= threshold:
                scored.append((-weight, record_id, slot))
        best = heapq.nsmallest(limit, scored)
        if rules and scorer.rules:
            best = self._with_alerts(values, best, limit=limit, exclude=exclude)
        return [
            scorer.candidate(record_id, values, self._stored(slot), self._frequencies)
            for _, record_id, slot in best
        ]

    def _with_alerts(
        self,
        values: Prepared,
        best: list[tuple[float, str, int]],
        *,
        limit: int,
        exclude: str | None,
    ) -> list[tuple[float, str, int]]:
        """``best`` and, up to ``limit`` more, the records a matching rule catches, ranked."""
        scorer = self._scorer
        taken = {slot for _, _, slot in best}
        alerts: list[tuple[float, str, int]] = []
        for slot in self._exact_neighbours(values):
            record_id, other = self._ids[slot], self._values[slot]
            if slot in taken or record_id is None or other is None or record_id == exclude:
                continue
            if scorer.caught(values, other):
                weight = scorer.match_weight(values, other, self._frequencies)
                alerts.append((-weight, record_id, slot))
        return sorted([*best, *heapq.nsmallest(limit, alerts)])

    def _exact_neighbours(self, values: Prepared) -> set[int]:
        """The records sharing a value a matching rule looks up, from blocks of bounded size:
        a value shared by more than ``max_block_size`` records identifies none of them."""
        size = self.model.max_block_size
        return {
            slot
            for key in self._scorer.exact_keys(values)
            if len(block := self._exact.get(key, ())) <= size
            for slot in block
        }

    def neighbours(self, values: Prepared) -> list[str]:
        """The ids of the records a query for ``values`` would score, before scoring."""
        return [
            record_id for slot in self._gather(values) if (record_id := self._ids[slot]) is not None
        ]

    def _stored(self, slot: int) -> Prepared:
        values = self._values[slot]
        assert values is not None
        return values

    def _gather(self, values: Prepared) -> list[int]:
        """The records sharing the rarest blocking keys with ``values``, best first."""
        model = self.model
        blocks = [
            block
            for key in self._scorer.keys(values)
            if (block := self._blocks.get(key)) is not None and len(block) <= model.max_block_size
        ]
        blocks.sort(key=len)
        budget = model.max_block_size * _VISITS_PER_BLOCK
        size = max(len(self._slots), 1)
        tally: dict[int, float] = {}
        for block in blocks:
            # Sharing a rare key says more than sharing a common one (an inverse frequency).
            weight = math.log1p(size / len(block))
            for slot in block:
                tally[slot] = tally.get(slot, 0.0) + weight
            budget -= len(block)
            if budget <= 0:
                break
        return heapq.nlargest(model.max_candidates, tally, key=tally.__getitem__)

    def _checked(self, record: MatchRecord, violations: list[Violation]) -> Prepared:
        """The prepared record, or one error listing ``violations`` and the record's problems."""
        try:
            values = prepare(self.model, record)
        except DomainValidationError as error:
            violations.extend(error.violations)
            values = ()
        if violations:
            raise DomainValidationError(violations)
        return values

    def _insert(self, record_id: str, values: Prepared) -> None:
        slot = self._free.pop() if self._free else len(self._ids)
        if slot == len(self._ids):
            self._ids.append(record_id)
            self._values.append(values)
        else:
            self._ids[slot] = record_id
            self._values[slot] = values
        self._slots[record_id] = slot
        for key in self._scorer.keys(values):
            self._blocks.setdefault(key, []).append(slot)
        for key in self._scorer.exact_keys(values):
            self._exact.setdefault(key, []).append(slot)
        self._frequencies.add(self._scorer.term_frequency_fields, values)

    def __getstate__(self) -> dict[str, Any]:
        state = {name: value for name, value in vars(self).items() if name != "_scorer"}
        state["model"] = self.model
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        self._scorer = scorer_for(state.pop("model"))
        vars(self).update(state)
