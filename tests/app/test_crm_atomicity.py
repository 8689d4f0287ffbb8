"""No command leaves a partial write: a failure injected at every write position of a
command rolls the whole unit of work back, and a lost race is retried, then surfaced."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import attrs
import pytest
from app_samples import NOW, rule, settings, snapshot

from crmcore.app import CRM, Repositories
from crmcore.app.commands import (
    ConvertRequest,
    QualifyRequest,
    ReceiveWebForm,
    TakeRequest,
)
from crmcore.errors import ConcurrencyConflictError, RepositoryError
from crmcore.memory import MemoryStore, memory_repositories

_WRITES = frozenset({"add", "save", "append", "remove", "record", "advance", "set"})


class _InjectedError(Exception):
    """The failure a test injects."""


class _Counter:
    """Counts writes across every repository and raises at the chosen one."""

    def __init__(self) -> None:
        self.writes = 0
        self.fail_at: int | None = None
        self.error: Callable[[], Exception] = lambda: _InjectedError("injected")

    def tick(self) -> None:
        self.writes += 1
        if self.fail_at is not None and self.writes == self.fail_at:
            raise self.error()


class _Proxy:
    def __init__(self, inner: Any, counter: _Counter) -> None:
        self._inner = inner
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if name not in _WRITES:
            return found

        def write(*args: Any, **kwargs: Any) -> Any:
            self._counter.tick()
            return found(*args, **kwargs)

        return write


def _store(counter: _Counter) -> MemoryStore:
    real = memory_repositories()
    proxied = {
        field.name: _Proxy(getattr(real, field.name), counter)
        for field in attrs.fields(Repositories)
    }
    return MemoryStore(Repositories(**proxied))


_RULES = (
    {"id": "assign", "name": "Requests to the sales team",
     "trigger": {"entity": "request", "on": "created"},
     "then": [{"action": "assign_manager", "strategy": {"kind": "round_robin", "team": "sales"}},
              {"action": "sms_client", "text": "Мы получили вашу заявку"}]},
    {"id": "welcome", "name": "Welcome a new client",
     "trigger": {"entity": "partner", "on": "created"},
     "then": [{"action": "email_client", "subject": "Здравствуйте", "body": "..."}]},
)  # fmt: skip
_FORM = {"name": "Пётр", "company": "Север", "phone": "+7 912 000-11-22",
         "email": "petr@sever.example", "message": "Нужны ящики"}  # fmt: skip


def _prepared(counter: _Counter) -> tuple[CRM, MemoryStore, str]:
    store = _store(counter)
    crm = CRM(store, settings=settings(), rules=[rule(r) for r in _RULES])
    request = crm.execute(ReceiveWebForm(payload=_FORM), actor="system", now=NOW).result
    crm.execute(TakeRequest(request_id=request.id), actor="anna", now=NOW)
    crm.execute(QualifyRequest(request_id=request.id), actor="anna", now=NOW)
    return crm, store, request.id


def _convert(crm: CRM, request_id: str) -> Any:
    command = ConvertRequest(request_id=request_id, pipeline_id="typical_sale")
    return crm.execute(command, actor="anna", now=NOW + timedelta(hours=1))


def test_a_failure_at_every_write_of_a_conversion_leaves_the_store_as_it_was() -> None:
    counter = _Counter()
    crm, store, request_id = _prepared(counter)
    start = counter.writes
    _convert(crm, request_id)
    writes = counter.writes - start
    assert writes >= 5, "request, partner, contact person, deal, stage log, outbox"
    for position in range(1, writes + 1):
        counter = _Counter()
        crm, store, request_id = _prepared(counter)
        before = snapshot(store)
        counter.fail_at = counter.writes + position
        with pytest.raises(_InjectedError):
            _convert(crm, request_id)
        assert snapshot(store) == before, f"write {position} of {writes} left a trace"
        counter.fail_at = None
        done = _convert(crm, request_id)
        assert done.result.deal.partner_id == done.result.partner.id


def test_a_lost_race_is_retried_and_then_surfaces_as_the_typed_error() -> None:
    counter = _Counter()
    crm, _, request_id = _prepared(counter)
    counter.error = lambda: ConcurrencyConflictError(
        "request", request_id, expected_version=1, actual_version=2
    )
    counter.fail_at = counter.writes + 1
    executed = _convert(crm, request_id)
    assert executed.attempts == 2
    counter2 = _Counter()
    crm2, store2, request2 = _prepared(counter2)
    calls = {"n": 0}
    original = store2.unit_of_work

    @contextmanager
    def always_conflicting() -> Iterator[Repositories]:
        with original() as repositories:
            calls["n"] += 1
            yield repositories
            raise ConcurrencyConflictError(
                "request", request2, expected_version=1, actual_version=2
            )

    before = snapshot(store2)
    store2.unit_of_work = always_conflicting  # type: ignore[method-assign]
    with pytest.raises(ConcurrencyConflictError):
        _convert(crm2, request2)
    store2.unit_of_work = original  # type: ignore[method-assign]
    assert calls["n"] == crm2.settings.max_retries + 1
    assert snapshot(store2) == before


def test_a_storage_failure_is_not_retried() -> None:
    counter = _Counter()
    crm, store, request_id = _prepared(counter)
    before = snapshot(store)
    counter.error = lambda: RepositoryError("disk full")
    counter.fail_at = counter.writes + 2
    with pytest.raises(RepositoryError):
        _convert(crm, request_id)
    assert snapshot(store) == before
