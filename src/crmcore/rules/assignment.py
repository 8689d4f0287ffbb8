"""Assignment strategies: who becomes the manager of a record, as pure functions of state.

The host passes the explicit state (its :class:`Staff`: who is active, on leave, in which
team and department, how loaded, where each team's rotation stands); :func:`assign` returns
an :class:`Assignment` naming who was chosen, why, and the rotation to store. Only available
managers are chosen: active, not on leave, under capacity, and within their working hours
when the rule asks for it.

>>> from datetime import UTC, datetime
>>> staff = Staff(members=(Member(user=UserId("anna"), teams=("sales",)),
...                        Member(user=UserId("boris"), teams=("sales",))),
...               rotation={"sales": UserId("anna")})
>>> chosen = assign(RoundRobin(team="sales"), staff=staff, now=datetime(2026, 6, 1, 10, tzinfo=UTC))
>>> chosen.user, chosen.rotation["sales"]
('boris', 'boris')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import ClassVar, Final, Protocol, TypeAlias

import attrs

from crmcore.errors import NoAvailableManagerError, Violation
from crmcore.ids import UserId
from crmcore.rules.model import Condition
from crmcore.validation import (
    FrozenMap,
    Model,
    bounded_text,
    checks,
    each,
    freeze,
    identifier,
    instance_of,
    invariant,
    optional,
)
from crmcore.workcalendar import WorkingCalendar

__all__ = [
    "Assignment",
    "FieldMapping",
    "FixedUser",
    "HeadOfDepartment",
    "Leave",
    "LoadBalancing",
    "MappingRow",
    "Member",
    "OrgStructure",
    "RoundRobin",
    "Staff",
    "Strategy",
    "assign",
]

_TEAM: Final = checks(bounded_text(100))


@attrs.frozen(kw_only=True)
class FixedUser(Model):
    """Always the same user."""

    kind: ClassVar[str] = "fixed_user"
    user: UserId = attrs.field(metadata=checks(identifier))


@attrs.frozen(kw_only=True)
class RoundRobin(Model):
    """The available members of ``team`` in turn, after the one chosen last."""

    kind: ClassVar[str] = "round_robin"
    team: str = attrs.field(metadata=_TEAM)


@attrs.frozen(kw_only=True)
class LoadBalancing(Model):
    """The available member of ``team`` with the fewest open deals and requests, below their
    capacity."""

    kind: ClassVar[str] = "load_balancing"
    team: str = attrs.field(metadata=_TEAM)


@attrs.frozen(kw_only=True)
class HeadOfDepartment(Model):
    """The head of the department of the record's responsible manager."""

    kind: ClassVar[str] = "head_of_department"


@attrs.frozen(kw_only=True)
class MappingRow(Model):
    """If ``when`` holds for the record, the ``user`` (or the next of ``team`` in turn)."""

    when: Condition
    user: UserId | None = attrs.field(default=None, metadata=checks(optional(identifier)))
    team: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(100))))

    @invariant("user", "team")
    def _user_or_team(self) -> Iterator[Violation]:
        if (self.user is None) == (self.team is None):
            yield Violation(field="user", message="a row names either a user or a team")


Fallback: TypeAlias = FixedUser | RoundRobin | LoadBalancing | HeadOfDepartment


@attrs.frozen(kw_only=True)
class FieldMapping(Model):
    """The first row whose condition holds (region, source, product, amount band...), else
    ``otherwise``."""

    kind: ClassVar[str] = "field_mapping"
    rows: tuple[MappingRow, ...] = attrs.field(metadata=checks(each(instance_of(MappingRow))))
    otherwise: Fallback | None = None


Strategy: TypeAlias = FixedUser | FieldMapping | RoundRobin | LoadBalancing | HeadOfDepartment
"""How a manager is chosen."""
STRATEGIES: Final = (FixedUser, FieldMapping, RoundRobin, LoadBalancing, HeadOfDepartment)


class OrgStructure(Protocol):
    """Departments and their heads, as the host's organization chart has them."""

    def department_of(self, user: UserId) -> str | None:
        """The department of ``user``."""
        ...

    def head_of(self, department: str) -> UserId | None:
        """The head of ``department``."""
        ...


def _day(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, date) or isinstance(value, datetime):
        yield Violation(field=field, message="must be a date", value=value)


@attrs.frozen(kw_only=True)
class Leave(Model):
    """A period of leave, from ``first`` to ``last`` day inclusive, as dates of the member's
    calendar (of the moment's own zone for a member without one)."""

    first: date = attrs.field(metadata=checks(_day))
    last: date = attrs.field(metadata=checks(_day))

    @invariant("first", "last")
    def _ordered(self) -> Iterator[Violation]:
        if self.last < self.first:
            yield Violation(field="last", message="must not be before first", value=self.last)

    def covers(self, day: date) -> bool:
        """Whether ``day`` is a day of this leave."""
        return self.first <= day <= self.last


@attrs.frozen(kw_only=True)
class Member(Model):
    """A user who may be assigned: teams, department, availability and capacity.

    ``on_leave`` marks a member away until further notice; ``leaves`` are dated periods, so
    that a member is away only on those days."""

    user: UserId = attrs.field(metadata=checks(identifier))
    teams: tuple[str, ...] = attrs.field(default=(), metadata=checks(each(bounded_text(100))))
    department: str | None = attrs.field(default=None, metadata=checks(optional(bounded_text(100))))
    active: bool = True
    on_leave: bool = False
    leaves: tuple[Leave, ...] = attrs.field(default=(), metadata=checks(each(instance_of(Leave))))
    capacity: int | None = None
    calendar: WorkingCalendar | None = None

    def away(self, now: datetime) -> bool:
        """Whether the member is on leave at ``now``."""
        if self.on_leave:
            return True
        if not self.leaves:
            return False
        zone = self.calendar.zone if self.calendar is not None else now.tzinfo
        day = now.astimezone(zone).date()
        return any(leave.covers(day) for leave in self.leaves)


@attrs.frozen(kw_only=True)
class Staff(Model):
    """The explicit state assignment reads: members, heads of departments, current loads and
    each team's rotation pointer (the user chosen last). It is an :class:`OrgStructure`."""

    members: tuple[Member, ...] = attrs.field(metadata=checks(each(instance_of(Member))))
    heads: Mapping[str, UserId] = attrs.field(factory=FrozenMap, converter=freeze)
    loads: Mapping[str, int] = attrs.field(factory=FrozenMap, converter=freeze)
    rotation: Mapping[str, UserId] = attrs.field(factory=FrozenMap, converter=freeze)

    def department_of(self, user: UserId) -> str | None:
        """The department of ``user`` among the members."""
        return next((m.department for m in self.members if m.user == user), None)

    def head_of(self, department: str) -> UserId | None:
        """The head of ``department``."""
        return self.heads.get(department)


@attrs.frozen(kw_only=True)
class Assignment:
    """Who was chosen, by which strategy, why, and the rotation pointers to store."""

    user: UserId
    strategy: str
    reason: str
    rotation: Mapping[str, UserId] = attrs.field(factory=FrozenMap, converter=freeze)


def _unavailable(member: Member, staff: Staff, now: datetime, working_hours: bool) -> str | None:
    if not member.active:
        return "inactive"
    if member.away(now):
        return "on leave"
    if member.capacity is not None and staff.loads.get(member.user, 0) >= member.capacity:
        return "at capacity"
    if working_hours and member.calendar is not None and not member.calendar.is_working_time(now):
        return "outside working hours"
    return None


def assign(
    strategy: Strategy,
    *,
    staff: Staff,
    now: datetime,
    responsible: UserId | None = None,
    org: OrgStructure | None = None,
    matches: Callable[[Condition], bool] = lambda _: False,
    working_hours: bool = False,
) -> Assignment:
    """The manager ``strategy`` chooses; :class:`~crmcore.errors.NoAvailableManagerError` when
    nobody is available. ``matches`` tells whether a mapping row's condition holds for the
    record; ``org`` defaults to ``staff``."""
    chooser = _Chooser(staff=staff, now=now, working_hours=working_hours)
    if isinstance(strategy, FieldMapping):
        return chooser.mapping(strategy, responsible, org or staff, matches)
    return chooser.choose(strategy, responsible, org or staff)


@attrs.frozen
class _Chooser:
    staff: Staff
    now: datetime
    working_hours: bool

    def choose(
        self, strategy: Fallback, responsible: UserId | None, org: OrgStructure
    ) -> Assignment:
        if isinstance(strategy, FixedUser):
            return self._fixed(strategy.user, strategy.kind, "the rule names this user")
        if isinstance(strategy, HeadOfDepartment):
            return self._head(responsible, org)
        if isinstance(strategy, RoundRobin):
            return self._round_robin(strategy.team)
        return self._least_loaded(strategy.team)

    def mapping(
        self,
        strategy: FieldMapping,
        responsible: UserId | None,
        org: OrgStructure,
        matches: Callable[[Condition], bool],
    ) -> Assignment:
        """The first matching row's manager; when nobody of that row is available (on leave,
        at capacity...) or no row matches, the ``otherwise`` strategy's."""
        why: str | None = None
        for index, row in enumerate(strategy.rows):
            if not matches(row.when):
                continue
            try:
                return self._row(strategy, index, row)
            except NoAvailableManagerError as error:
                why = f"row {index} matches, but {error.reason}"
                break
        if strategy.otherwise is None:
            raise NoAvailableManagerError(strategy.kind, reason=why or "no row matches the record")
        chosen = self.choose(strategy.otherwise, responsible, org)
        return attrs.evolve(chosen, reason=f"{why or 'no row matches'}; {chosen.reason}")

    def _row(self, strategy: FieldMapping, index: int, row: MappingRow) -> Assignment:
        if row.user is not None:
            return self._fixed(row.user, strategy.kind, f"row {index} matches")
        chosen = self._round_robin(row.team or "")
        return attrs.evolve(
            chosen, strategy=strategy.kind, reason=f"row {index} matches; {chosen.reason}"
        )

    def _member(self, user: UserId) -> Member | None:
        return next((m for m in self.staff.members if m.user == user), None)

    def _fixed(self, user: UserId, kind: str, why: str) -> Assignment:
        member = self._member(user)
        problem = "not a member of the staff" if member is None else self._problem(member)
        if problem is not None:
            raise NoAvailableManagerError(kind, reason=f"{user} is {problem}")
        return Assignment(user=user, strategy=kind, reason=why)

    def _problem(self, member: Member) -> str | None:
        return _unavailable(member, self.staff, self.now, self.working_hours)

    def _head(self, responsible: UserId | None, org: OrgStructure) -> Assignment:
        kind = HeadOfDepartment.kind
        department = org.department_of(responsible) if responsible is not None else None
        head = org.head_of(department) if department is not None else None
        if head is None:
            reason = f"no head found for the department of {responsible or 'nobody'}"
            raise NoAvailableManagerError(kind, reason=reason)
        return self._fixed(head, kind, f"head of {department}, the department of {responsible}")

    def _available(self, team: str, kind: str) -> list[Member]:
        team_members = sorted(
            (m for m in self.staff.members if team in m.teams), key=lambda m: m.user
        )
        available = [m for m in team_members if self._problem(m) is None]
        if not available:
            reasons = (
                ", ".join(f"{m.user} {self._problem(m)}" for m in team_members) or "no members"
            )
            raise NoAvailableManagerError(kind, reason=f"team {team}: {reasons}")
        return available

    def _round_robin(self, team: str) -> Assignment:
        available = self._available(team, RoundRobin.kind)
        last = self.staff.rotation.get(team)
        after = [m for m in available if last is not None and m.user > last]
        chosen = (after or available)[0].user
        rotation = {**self.staff.rotation, team: chosen}
        reason = f"next in turn in team {team} after {last or 'nobody'}"
        return Assignment(user=chosen, strategy=RoundRobin.kind, reason=reason, rotation=rotation)

    def _least_loaded(self, team: str) -> Assignment:
        available = self._available(team, LoadBalancing.kind)
        chosen = min(available, key=lambda m: (self.staff.loads.get(m.user, 0), m.user))
        load = self.staff.loads.get(chosen.user, 0)
        reason = f"fewest open deals and requests in team {team} ({load})"
        return Assignment(user=chosen.user, strategy=LoadBalancing.kind, reason=reason)
