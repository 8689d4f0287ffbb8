"""The demo story: every chapter told through one CRM, at the fixed moment and at others."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

import pytest

from crmcore.app.model import OutboxStatus
from crmcore.demo import CHAPTERS, DEMO_MOMENT, Story, demo_lines

MOMENTS = (
    DEMO_MOMENT,
    datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=10))),
    datetime(2027, 12, 31, 23, 0, tzinfo=UTC),
    datetime(2028, 2, 29, 12, 0, tzinfo=UTC),
)


@cache
def told(now: datetime = DEMO_MOMENT) -> str:
    """The story told at ``now``."""
    return "\n".join(demo_lines(now))


def chapter(title: str, now: datetime = DEMO_MOMENT) -> str:
    """The text of the chapter ``title`` of the story told at ``now``."""
    number = [name for name, _ in CHAPTERS].index(title) + 1
    found = re.search(rf"^== {number}\. .*? ==$(.*?)(?=^== |\Z)", told(now), re.M | re.S)
    assert found is not None
    return found.group(1)


def test_the_story_is_the_same_each_time_it_is_told() -> None:
    assert list(demo_lines()) == list(demo_lines(DEMO_MOMENT))
    assert told() == "\n".join(demo_lines())


@pytest.mark.parametrize("now", MOMENTS)
def test_every_chapter_is_told_at_any_moment(now: datetime) -> None:
    text = told(now)
    for number, (title, _) in enumerate(CHAPTERS, start=1):
        assert f"== {number}. {title} ==" in text
    assert re.search(r"^\d{3} commands ran through CRM.execute; \d+ events:$", text, re.M)


@pytest.mark.parametrize("now", MOMENTS)
def test_partners_are_registered_and_a_bad_draft_changes_nothing(now: datetime) -> None:
    text = chapter("Partners and contacts", now)
    assert "romashka  ООО «Ромашка»     legal_entity     client" in text
    assert "2     Сергей Ким (Vostok Logistics)" in text
    assert "legal.tax_id: is not a valid INN: wrong check digit" in text
    assert "partners stored before: 4, after: 4" in text


def test_contacts_local_time_is_told_at_the_fixed_moment() -> None:
    text = chapter("Partners and contacts")
    assert "16:00 Asia/Vladivostok" in text
    assert "09:00 Europe/Moscow" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_a_web_request_is_assigned_by_a_rule_and_bound(now: datetime) -> None:
    text = chapter("Requests: a web form assigned by a rule and bound to a known client", now)
    assert "Request web-1: rule new-requests made anna responsible" in text
    assert "web-1 from Анна Смирнова: bound to ООО «Ромашка» / Анна Смирнова" in text
    assert "matched, probability 0.999" in text
    assert "refused as spam: website: is a trap field" in text
    assert "Request web-2: rule new-requests made gleb responsible (row 1 matches" in text
    assert "new partner ООО «Север» (legal_entity)" in text
    assert "stage first_contact, for 45000.00 RUB" in text
    assert "website_form  2         1      0    50.0" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_the_partner_wizard_stops_a_duplicate(now: datetime) -> None:
    text = chapter("Duplicate control: the partner wizard finds the card that exists", now)
    assert "PossibleDuplicates: may be ООО «Ромашка» (1.000), because:" in text
    assert "phone                4951234567        4951234567        +9.6" in text
    assert "partners stored before: 5, after: 5" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_agreements_are_approved_and_checked(now: datetime) -> None:
    text = chapter("Agreements: approval, the conditions in force, a quote", now)
    assert f"Typical agreement 'Wholesale clients {now.year}'" in text
    assert "draft -> on_approval -> draft -> on_approval -> approved" in text
    assert "payment_form          cash          individual" in text
    assert "tea-green  20   1200.00  8%        1104.00  1020.00  22080.00  1090.00 on" in text
    assert "Order ORD-42 breaks 3 conditions:" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_a_controlled_deal_runs_its_gates_and_another_is_lost(now: datetime) -> None:
    text = chapter("Deals: a controlled sale through its gates to a quote and a win, a loss", now)
    assert "rule big-deals made olga responsible: head of sales, the department of anna" in text
    assert "  - client_classified: the client 'ООО «Ромашка»' is not classified" in text
    assert "  - agreement_linked: no agreement (sales conditions) is linked to the deal" in text
    assert "quote Q-1 registered on the deal: True" in text
    assert "Трубы для «Ромашки»: won at stage 'contract', 1250000 RUB." in text
    assert re.search(r"negotiation +contract +open +olga\n.*contract +contract +won +olga", text)
    assert "  - commercial_offer_registered: no commercial offer is registered" in text
    assert "then lost (competitor) to lilie: Lilie: -7 %" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_a_claim_is_raised_refused_and_investigated(now: datetime) -> None:
    text = chapter("Claims: raised, investigated, paused and decided", now)
    assert (
        "the rules answered with claim-received: email_client, claim-received: send_message" in text
    )
    assert "essence: must be at most 5000 characters, not 20001" in text
    assert "EntityNotFoundError: partner 'nobody' does not exist" in text
    assert "claims stored before: 6, after: 6" in text
    assert "cannot 'decide' while 'registered'" in text
    assert "Decided partially_satisfied, closed" in text
    assert "await_claimant  waiting_for_claimant  igor  Photos of labels?" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_the_outbox_shows_resolved_recipients_and_is_delivered(now: datetime) -> None:
    text = chapter("The outbox: what the rules asked to send, to whom and why", now)
    assert "5 messages wait in the outbox" in text
    assert re.search(r"sms_client +audi-sms +deal:d-pipes +client -> \+74951234567", text)
    assert re.search(r"call_webhook +won-to-erp .*https://erp.example/hooks/deal-won", text)
    assert re.search(r"send_message +claim-received +claim:c-100 +head -> olga", text)
    assert "crm.tick(now) fired 1 date trigger(s): close-soon: create_task" in text
    assert "create_task  close-soon  deal:d-extra-1  responsible -> anna" in text
    assert "The same tick again fires 0" in text
    assert "Delivery: 5 sent, 1 failed" in text
    assert "ConnectionError: erp.example did not answer (attempt 1)" in text
    assert "Five minutes later: 1 sent; pending now: 0" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_the_reports_read_what_the_crm_stored(now: datetime) -> None:
    text = chapter("Reports: the desktop, the funnel, claims and KPIs", now)
    assert "counterparties: Vostok Logistics (1), ООО «Ромашка» (2)" in text
    assert re.search(r"crm.tick at \d\d:\d\d: Reminder: Spring tea order", text)
    assert re.search(r"crm.tick at \d\d:\d\d: Reminder: Delivery slots", text)
    assert "won 1, lost 1, open 3; win rate 50.0%" in text
    assert "c-5  Logistics   resolution" in text
    assert "all claims         5        40.0         40.0         20.0" in text
    assert "anna     6 / 4 (+50%)" in text
    assert "team     13 / 11 (+18%)" in text


def test_the_desktop_in_the_morning_has_yesterdays_task_overdue() -> None:
    text = chapter("Reports: the desktop, the funnel, claims and KPIs")
    assert "3 events today, 1 overdue;" in text
    assert "crm.tick at 09:45: Reminder: Spring tea order" in text
    assert "crm.tick at 09:45: nothing new" in text
    assert "crm.tick at 14:00: Reminder: Delivery slots" in text


@pytest.mark.parametrize("now", MOMENTS)
def test_the_rules_chapter_lists_what_the_rules_gave(now: datetime) -> None:
    text = chapter("Automation: the rules, the commands they gave, an explain trace", now)
    assert "6 rules are stored:" in text
    assert "During the story the rules gave 8 commands:" in text
    assert "big-deals       deal:d-pipes   assign_manager  olga: head of sales" in text
    assert "Why big-deals did not fire for d-crates (conditions do not hold):" in text
    assert "when.all[0]      amount           gt   84000   1000000   False" in text


def test_every_change_of_the_story_is_a_command_of_the_crm() -> None:
    story = Story(now=DEMO_MOMENT)
    for _, tell in CHAPTERS:
        list(tell(story))
    with story.crm.store.unit_of_work() as stored:
        deals = list(stored.deals.iterate())
        sent = stored.outbox.find(status=OutboxStatus.SENT)
    opened = {
        e.entity_id for done in story.executed for e in done.events if e.name == "deal.opened"
    }
    assert {deal.id for deal in deals} == opened
    for deal in deals:
        log = story.crm.stage_log(deal.id)
        assert log[0].opened
        assert (log[-1].to_stage, log[-1].status) == (deal.stage, deal.status)
    assert len(sent) == 6
    # The reminders the tick made, the offer e-mail of the price form's sale, and the
    # marketing campaign's mailing.
    assert {m.command.rule_id for m in story.crm.outbox.pending()} == {
        "reminder",
        "commercial_offer",
        "campaign",
    }
