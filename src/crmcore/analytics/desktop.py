"""The manager's desktop: the day's calendar, counts, counterparties, the day's and the
overdue tasks, and a partner's card.

Read-only: it asks the repositories and the host's :class:`~.records.SalesFacts` and
changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

import attrs

from crmcore.analytics.records import PartnerSales, SalesFacts
from crmcore.ids import ContactPersonId, PartnerId, UserId
from crmcore.interactions.kinds import InteractionStatus
from crmcore.interactions.model import Interaction
from crmcore.interactions.repository import InteractionRepository
from crmcore.money import Money, Rounding
from crmcore.partners.localtime import LocalTime, local_time
from crmcore.partners.model import ContactPerson, Partner
from crmcore.partners.repository import ContactPersonRepository, PartnerRepository
from crmcore.tasks.model import Task
from crmcore.tasks.reports import task_agenda
from crmcore.tasks.repository import TaskRepository
from crmcore.validation import check_now, plain_date, raise_violations
from crmcore.workcalendar import WorkingCalendar

__all__ = ["ContactLine", "Counterparty", "Desktop", "PartnerCard", "desktop", "partner_card"]


@attrs.frozen(kw_only=True)
class Counterparty:
    """A partner the user has events with on the day, and how many."""

    partner_id: PartnerId
    name: str
    events: int


@attrs.frozen(kw_only=True)
class Desktop:
    """A user's day: the calendar in order of start, how many events and how many overdue
    interactions (of any day) there are, the counterparties of the day by name, and beside
    them the open tasks due on the day and the overdue ones (of any day), by due moment."""

    user: UserId
    day: date
    calendar: tuple[Interaction, ...]
    events: int
    overdue: int
    counterparties: tuple[Counterparty, ...]
    tasks_today: tuple[Task, ...] = ()
    overdue_tasks: tuple[Task, ...] = ()


@attrs.frozen(kw_only=True)
class ContactLine:
    """A contact person of a partner as the desktop shows it: the first phone and email, the
    region, and the person's current local time when its zone is known."""

    contact_person_id: ContactPersonId
    name: str
    phone: str | None
    email: str | None
    region: str | None
    local_time: LocalTime | None


@attrs.frozen(kw_only=True)
class PartnerCard:
    """What a manager sees of a chosen partner: sales figures, contacts and history."""

    partner: Partner
    sales: PartnerSales | None
    contacts: tuple[ContactLine, ...]
    history: tuple[Interaction, ...]
    rounding: Rounding = attrs.field(factory=Rounding)
    """How the card rounds the average check (half-up to the minor unit by default)."""

    @property
    def first_deal(self) -> date | None:
        """The date of the partner's first deal."""
        return None if self.sales is None else self.sales.first_deal

    @property
    def deal_count(self) -> int:
        """How many deals the partner has had."""
        return 0 if self.sales is None else self.sales.deals

    @property
    def average_check(self) -> Money | None:
        """The average amount of the partner's deals."""
        return None if self.sales is None else self.sales.average(self.rounding)

    @property
    def total_sales(self) -> Money | None:
        """What the partner has bought in all."""
        return None if self.sales is None else self.sales.total


def desktop(
    user: UserId,
    day: date,
    *,
    interactions: InteractionRepository,
    partners: PartnerRepository,
    now: datetime,
    zone: tzinfo | None = None,
    tasks: TaskRepository | None = None,
    calendar: WorkingCalendar | None = None,
) -> Desktop:
    """The desktop of ``user`` for ``day`` (a calendar day in ``zone``, by default the zone
    ``now`` is given in) at ``now``, with the tasks of ``tasks`` if given (late once working
    time of ``calendar`` passed their due moment).

    Cancelled interactions stay off the calendar.
    """
    check_now(now)
    raise_violations(plain_date("day", day))
    day_zone = zone or now.tzinfo or UTC
    start = datetime.combine(day, time(), tzinfo=day_zone)
    found = interactions.of_user(user, start=start, end=start + timedelta(days=1))
    planned = tuple(i for i in found if i.status is not InteractionStatus.CANCELLED)
    agenda = None
    if tasks is not None:
        agenda = task_agenda(tasks, user, day=day, now=now, zone=day_zone, calendar=calendar)
    counts = Counter(i.partner_id for i in planned if i.partner_id is not None)
    counterparties = sorted(
        (
            Counterparty(partner_id=p, name=partners.get(p).short_name, events=n)
            for p, n in counts.items()
        ),
        key=lambda c: (c.name.casefold(), c.partner_id),
    )
    return Desktop(
        user=user, day=day, calendar=planned, events=len(planned),
        overdue=len(interactions.overdue(now, user=user)),
        counterparties=tuple(counterparties),
        tasks_today=agenda.today if agenda is not None else (),
        overdue_tasks=agenda.overdue if agenda is not None else (),
    )  # fmt: skip


def _contact_line(
    person: ContactPerson, partner: Partner, now: datetime, regions: Mapping[str, str] | None
) -> ContactLine:
    found = local_time(person, now, partner=partner, region_zones=regions)
    return ContactLine(
        contact_person_id=person.id, name=person.name,
        phone=person.phones[0].number if person.phones else None,
        email=person.emails[0].address if person.emails else None,
        region=person.region or partner.region, local_time=found,
    )  # fmt: skip


def partner_card(
    partner_id: PartnerId,
    *,
    partners: PartnerRepository,
    contacts: ContactPersonRepository,
    interactions: InteractionRepository,
    sales: SalesFacts,
    now: datetime,
    history_limit: int = 20,
    region_zones: Mapping[str, str] | None = None,
    rounding: Rounding | None = None,
) -> PartnerCard:
    """The card of ``partner_id`` at ``now``: its sales from ``sales``, its contact persons
    with their local time, and its latest ``history_limit`` interactions, newest first.

    A person whose phones tell no zone (a mobile number) is shown in the partner's, else in
    that of the region, through the host's ``region_zones`` (region names to IANA zones).
    The average check is rounded by ``rounding``, half-up to the minor unit by default, as
    :func:`~crmcore.analytics.kpi_table` rounds its averages."""
    check_now(now)
    partner = partners.get(partner_id)
    lines = tuple(
        _contact_line(p, partner, now, region_zones) for p in contacts.of_partner(partner_id)
    )
    return PartnerCard(
        partner=partner, sales=sales.of_partner(partner_id), contacts=lines,
        history=tuple(interactions.history(partner_id, limit=history_limit)),
        rounding=rounding or Rounding(),
    )  # fmt: skip
