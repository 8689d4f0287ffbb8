"""What the comparisons of every area share: the small pools entities are drawn from, and
the machine that runs each call on the reference and the subject and compares outcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, Generic, TypeVar

import attrs
from hypothesis import settings as Settings  # noqa: N812 - the class, beside the argument name
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from crmcore.errors import CRMError, EntityNotFoundError
from crmcore.partners.contact_data import Email, Phone
from crmcore.testing._zones import ZONES, in_zone

R = TypeVar("R")

_CREATED_AT: Final = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
# Ids whose code-point order ("by id") no case- or punctuation-blind collation keeps.
_IDS: Final = ("x-1", "X-2", "x_3", "x.4", "x5")
_NAMES: Final = ("Ромашка", "РОМАШКА-ЮГ", "ромашка плюс", "Лютик", "Straße", "STRASSE Logistik")

_PHONES: Final = ("+74951234567", "+74232123456", "+79161234567", "+4930123456")
_EMAILS: Final = ("info@romashka.ru", "Info@romashka.ru", "иван@почта.рф", "Иван@почта.рф")
_CASES: Final[tuple[Callable[[str], str], ...]] = (str, str.upper, str.lower, str.swapcase)
_ERROR_CONTEXT: Final = (
    "entity_type",
    "entity_id",
    "key",
    "expected_version",
    "actual_version",
    "fields",
)

_ids = st.sampled_from(_IDS)


def _zoned(moments: st.SearchStrategy[datetime]) -> st.SearchStrategy[datetime]:
    """``moments``, each written in one of the kit's zones: a store that compares local text
    or wall-clock time then answers otherwise than the reference."""
    zones = st.integers(min_value=0, max_value=len(ZONES) - 1)
    return st.tuples(moments, zones).map(lambda drawn: in_zone(*drawn))


_unknown_or_known_ids = st.sampled_from((*_IDS, "x-404"))
_phones = st.lists(st.sampled_from(_PHONES), max_size=2, unique=True).map(
    lambda numbers: tuple(Phone(number=number) for number in numbers)
)
_emails = st.lists(st.sampled_from(_EMAILS), max_size=2, unique_by=str.casefold).map(
    lambda addresses: tuple(Email(address=address) for address in addresses)
)
_cased = st.sampled_from(_CASES)


def _outcome(action: Callable[[], object]) -> tuple[str, object]:
    """What a call returned, or the type and context of the crmcore error it raised."""
    try:
        return "returned", action()
    except CRMError as error:
        context = {name: getattr(error, name) for name in _ERROR_CONTEXT if hasattr(error, name)}
        return "raised", (type(error).__name__, context)


class _Comparison(RuleBasedStateMachine, Generic[R]):
    """Runs each call on the reference and on the subject and requires the same outcome."""

    reference: R
    subject: R

    def compare(self, call: Callable[[R], Any]) -> Any:
        """The outcome of ``call`` on both repositories; fails if they differ."""
        expected = _outcome(lambda: call(self.reference))
        actual = _outcome(lambda: call(self.subject))
        assert actual == expected, f"reference gave {expected!r}, subject gave {actual!r}"
        return expected[1]

    def saved_version(self, read: Callable[[R], Any]) -> int:
        """The version the reference stores for an entity, or 1 if it has none."""
        try:
            version: int = read(self.reference).version
        except EntityNotFoundError:
            return 1
        return version


def _configured(
    machine: type[RuleBasedStateMachine], settings: Settings | None
) -> type[RuleBasedStateMachine]:
    if settings is not None:
        machine.TestCase.settings = settings
    return machine


def _saved_change(entity: Any, stored_version: int, offset: int, bump: int) -> tuple[Any, int]:
    """``entity`` at a version ``bump`` past an expected version ``offset`` from the stored."""
    expected_version = max(0, stored_version + offset)
    return attrs.evolve(entity, version=expected_version + bump), expected_version


_offsets = st.sampled_from((0, 0, 0, -1, 1))
_bumps = st.sampled_from((1, 1, 2, 0))


class _VersionedCalls(_Comparison[R]):
    """The ``add``, ``save`` and ``get`` calls every repository of versioned entities shares.

    A subclass names the ``entities`` drawn and the ``entity_id`` type a drawn id is made into
    (``class _ClaimRepositoryCalls(_VersionedCalls[ClaimRepository], entities=..., entity_id=
    ClaimId)``); its own rules add the area's queries.
    """

    def __init_subclass__(
        cls,
        *,
        entities: st.SearchStrategy[Any] | None = None,
        entity_id: Callable[[str], object] = str,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if entities is None:  # a subclass of an area's calls inherits its rules
            return

        def add(self: _Comparison[Any], entity: Any) -> None:
            self.compare(lambda repository: repository.add(entity))

        def save(self: _Comparison[Any], entity: Any, offset: int, bump: int) -> None:
            stored = self.saved_version(lambda repository: repository.get(entity.id))
            changed, expected = _saved_change(entity, stored, offset, bump)
            self.compare(lambda repository: repository.save(changed, expected_version=expected))

        def get(self: _Comparison[Any], drawn_id: str) -> None:
            self.compare(lambda repository: repository.get(entity_id(drawn_id)))

        cls.add = rule(entity=entities)(add)
        cls.save = rule(entity=entities, offset=_offsets, bump=_bumps)(save)
        cls.get = rule(drawn_id=_unknown_or_known_ids)(get)


def _comparison(
    calls: type[_Comparison[R]],
    reference: Callable[[], R],
    make_repository: Callable[[], R],
    settings: Settings | None,
) -> type[RuleBasedStateMachine]:
    """A machine running ``calls`` on a new ``reference()`` and a new ``make_repository()``,
    named after them: ``_ClaimRepositoryCalls`` gives ``ClaimRepositoryComparison``."""

    def start(self: _Comparison[R]) -> None:
        calls.__init__(self)
        self.reference = reference()
        self.subject = make_repository()

    name = calls.__name__.removeprefix("_").removesuffix("Calls") + "Comparison"
    machine = type(name, (calls,), {"__init__": start, "__qualname__": name})
    return _configured(machine, settings)
