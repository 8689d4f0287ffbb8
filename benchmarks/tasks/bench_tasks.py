"""Benchmark of crmcore.tasks: a manager's agenda of the day; prints one JSON object per line.

1. Overdue on the working calendar: ``Task.is_overdue`` with a Moscow calendar (late once
   working time has passed the due moment) beside the plain instant comparison without one.
2. The agenda: ``task_agenda`` for each manager over the reference memory repository and
   over SQLite (one indexed query a manager), beside the baselines of scanning every task
   in memory with ``overdue_tasks`` and ``due_on``, and of loading every task from SQLite
   and scanning them; all must find the same tasks.

Times are the CPU time of the process. Run:
``python benchmarks/tasks/bench_tasks.py [--tasks N] [--managers N] [--seed N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

from crmcore.ids import TaskId, UserId
from crmcore.memory import MemoryTaskRepository
from crmcore.sql import SqlStore
from crmcore.tasks import (
    Task,
    TaskRepository,
    TaskStatus,
    due_on,
    overdue_tasks,
    task_agenda,
)
from crmcore.workcalendar import HolidayRule, WorkingCalendar, WorkingPeriod

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar(
    time_zone="Europe/Moscow",
    hours=(WorkingPeriod(start=clock(9), end=clock(13)),
           WorkingPeriod(start=clock(14), end=clock(18))),
    holiday_rules=(HolidayRule(name="New Year", rule="FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"),),
)  # fmt: skip
ZONE = CALENDAR.zone
STATUSES = (TaskStatus.OPEN, TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.DONE)


def emit(**figures: object) -> None:
    print(json.dumps(figures, ensure_ascii=False), flush=True)


def cpu(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    result = run()
    return time.process_time() - start, result


def make_tasks(count: int, managers: int, seed: int) -> list[Task]:
    rng = random.Random(seed)
    made: list[Task] = []
    for number in range(count):
        status = rng.choice(STATUSES)
        created = NOW - timedelta(days=40)
        due = None if rng.random() < 0.1 else NOW + timedelta(minutes=rng.randint(-43200, 43200))
        task = Task(
            id=TaskId(f"t-{number:07d}"), title=f"Task {number}",
            assignee=UserId(f"m-{rng.randrange(managers):03d}"), created_at=created,
            changed_at=created, due=due, status=status,
            finished_at=None if status.is_open else created,
        )  # fmt: skip
        made.append(task)
    return made


def agendas(repository: TaskRepository, users: Sequence[UserId]) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for user in users:
        agenda = task_agenda(
            repository, user, day=NOW.astimezone(ZONE).date(), now=NOW, zone=ZONE,
            calendar=CALENDAR,
        )  # fmt: skip
        found.append(tuple(t.id for t in (*agenda.today, *agenda.overdue)))
    return found


def scanned(tasks: Sequence[Task], users: Sequence[UserId]) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    day = NOW.astimezone(ZONE).date()
    for user in users:
        mine = [t for t in tasks if t.assignee == user]
        late = overdue_tasks(mine, NOW, calendar=CALENDAR)
        today = [t for t in due_on(mine, day, ZONE) if t not in late]
        found.append(tuple(t.id for t in (*today, *late)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--managers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=17)
    options = parser.parse_args()
    tasks = make_tasks(options.tasks, options.managers, options.seed)
    users = sorted({t.assignee for t in tasks})

    on_calendar, late = cpu(lambda: sum(t.is_overdue(NOW, calendar=CALENDAR) for t in tasks))
    plain, late_plain = cpu(lambda: sum(t.is_overdue(NOW) for t in tasks))
    per_task_us = round(on_calendar / len(tasks) * 1e6, 2)
    emit(bench="is_overdue", tasks=len(tasks), calendar_s=round(on_calendar, 4),
         instant_only_s=round(plain, 4), calendar_per_task_us=per_task_us,
         late_on_calendar=late, late_by_instant=late_plain)  # fmt: skip

    baseline_s, expected = cpu(lambda: scanned(tasks, users))
    memory = MemoryTaskRepository()
    for task in tasks:
        memory.add(task)
    memory_s, from_memory = cpu(lambda: agendas(memory, users))
    store = SqlStore.sqlite(":memory:")
    try:
        sql = store.repositories.tasks
        assert sql is not None
        with store.unit_of_work():
            for task in tasks:
                sql.add(task)
        sql_s, from_sql = cpu(lambda: agendas(sql, users))
        load_scan_s, loaded = cpu(lambda: scanned(sql.find(), users))
    finally:
        store.close()
    emit(bench="agenda", tasks=len(tasks), managers=len(users),
         scan_baseline_s=round(baseline_s, 4), memory_s=round(memory_s, 4),
         sqlite_s=round(sql_s, 4), sqlite_load_all_then_scan_s=round(load_scan_s, 4),
         memory_speedup=round(baseline_s / memory_s, 1),
         sqlite_speedup_over_load_and_scan=round(load_scan_s / sql_s, 1),
         same_results=from_memory == expected == from_sql == loaded)  # fmt: skip


if __name__ == "__main__":
    main()
