"""The contract suite of :class:`~crmcore.rules.RotationPointers`."""

from __future__ import annotations

from abc import ABC, abstractmethod

import pytest

from crmcore.errors import ConcurrencyConflictError, DomainValidationError
from crmcore.ids import UserId
from crmcore.rules import RotationPointers
from crmcore.testing.contracts._common import Contract

__all__ = ["RotationPointersContract"]

ANNA = UserId("anna")
BORIS = UserId("boris")
VERA = UserId("vera")


class RotationPointersContract(Contract, ABC):
    """The behaviour every :class:`~crmcore.rules.RotationPointers` must show."""

    @abstractmethod
    def make_pointers(self) -> RotationPointers:
        """A new, empty store of pointers."""

    def test_a_new_store_has_no_pointer(self) -> None:
        assert dict(self.make_pointers().pointers()) == {}

    def test_moves_follow_each_other_per_team(self) -> None:
        pointers = self.make_pointers()
        pointers.move("sales", ANNA, expected=None)
        pointers.move("sales", BORIS, expected=ANNA)
        pointers.move("Отдел закупок", VERA, expected=None)
        assert dict(pointers.pointers()) == {"sales": BORIS, "Отдел закупок": VERA}

    def test_a_move_from_a_stale_pointer_conflicts_and_changes_nothing(self) -> None:
        pointers = self.make_pointers()
        pointers.move("sales", ANNA, expected=None)
        pointers.move("sales", BORIS, expected=ANNA)
        with pytest.raises(ConcurrencyConflictError):
            pointers.move("sales", VERA, expected=ANNA)
        with pytest.raises(ConcurrencyConflictError):
            pointers.move("sales", VERA, expected=None)
        with pytest.raises(ConcurrencyConflictError):
            pointers.move("support", VERA, expected=ANNA)
        assert dict(pointers.pointers()) == {"sales": BORIS}

    def test_a_move_to_the_same_user_again_is_a_move(self) -> None:
        pointers = self.make_pointers()
        pointers.move("sales", ANNA, expected=None)
        pointers.move("sales", ANNA, expected=ANNA)
        assert dict(pointers.pointers()) == {"sales": ANNA}

    def test_a_bad_team_or_user_is_refused_with_both_named(self) -> None:
        pointers = self.make_pointers()
        with pytest.raises(DomainValidationError) as caught:
            pointers.move(" ", UserId("not an id"), expected=None)
        assert {v.field for v in caught.value.violations} == {"team", "user"}
        assert dict(pointers.pointers()) == {}
