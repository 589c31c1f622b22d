"""Reminders with a frozen clock: the right emails, once each, in each recipient's language."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from disclosures.services.notifications import send_deadline_reminders, send_overdue_digests
from disclosures.services.requests import request_clarification
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member

DEADLINE = date(2026, 6, 19)
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: date):
    return time_machine.travel(datetime.combine(day, time(8, 0), tzinfo=TOKYO), tick=False)


@pytest.fixture
def request_with_team(db):
    request = DisclosureRequestFactory(state=State.ISSUED, deadline=DEADLINE)
    english = member(Role.RESPONDER, request.developer, preferred_language="en")
    japanese = member(Role.SUBMITTER, request.developer, preferred_language="ja")
    return request, english, japanese


def subjects_for(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def test_developers_are_reminded_7_and_2_days_before_and_told_the_day_after(request_with_team):
    request, english, japanese = request_with_team

    with at(DEADLINE - timedelta(days=7)):
        assert send_deadline_reminders() == 1
    assert subjects_for(english.email) == [f"[{request.reference}] Reminder: the deadline is in 7 days"]
    assert subjects_for(japanese.email) == [f"[{request.reference}] 回答期限まであと7日です"]

    mail.outbox.clear()
    with at(DEADLINE - timedelta(days=2)):
        send_deadline_reminders()
    assert subjects_for(english.email) == [f"[{request.reference}] Reminder: the deadline is in 2 days"]

    mail.outbox.clear()
    with at(DEADLINE):
        assert send_deadline_reminders() == 0
    assert mail.outbox == []

    with at(DEADLINE + timedelta(days=1)):
        send_deadline_reminders()
    assert subjects_for(english.email) == [f"[{request.reference}] The deadline has passed"]
    assert subjects_for(japanese.email) == [f"[{request.reference}] 回答期限を過ぎました"]
    # Both parts of the message carry the deadline.
    message = next(m for m in mail.outbox if m.to == [english.email])
    assert "2026-06-19" in message.body
    assert "2026-06-19" in message.alternatives[0].content


def test_running_the_reminder_task_twice_a_day_sends_nothing_twice(request_with_team):
    with at(DEADLINE - timedelta(days=7)):
        send_deadline_reminders()
        send_deadline_reminders()
    assert len(mail.outbox) == 2  # one each for the two developer staff


def test_a_clarification_round_has_reminders_of_its_own(request_with_team):
    request, english, _japanese = request_with_team
    with at(DEADLINE - timedelta(days=7)):
        send_deadline_reminders()
    official = member(Role.OFFICIAL, request.ministry)
    request.state = State.UNDER_REVIEW
    request.save()
    new_deadline = DEADLINE + timedelta(days=30)
    with at(DEADLINE - timedelta(days=6)):
        request_clarification(request=request, by=official, points="More detail.", deadline=new_deadline)
    mail.outbox.clear()
    with at(new_deadline - timedelta(days=7)):
        assert send_deadline_reminders() == 1
    assert subjects_for(english.email) == [f"[{request.reference}] Reminder: the deadline is in 7 days"]


def test_requests_that_are_not_awaiting_the_developer_get_no_reminder(db):
    DisclosureRequestFactory(state=State.SUBMITTED, deadline=DEADLINE)
    DisclosureRequestFactory(state=State.DRAFT, deadline=DEADLINE)
    with at(DEADLINE - timedelta(days=7)):
        assert send_deadline_reminders() == 0


def test_officials_get_one_daily_digest_of_newly_overdue_requests(db):
    first = DisclosureRequestFactory(state=State.ISSUED, deadline=DEADLINE)
    second = DisclosureRequestFactory(state=State.ACKNOWLEDGED, deadline=DEADLINE, ministry=first.ministry)
    official = member(Role.OFFICIAL, first.ministry, preferred_language="en")
    supervisor = member(Role.SUPERVISOR, first.ministry, preferred_language="ja")

    with at(DEADLINE + timedelta(days=1)):
        send_overdue_digests()
        send_overdue_digests()
    assert len(subjects_for(official.email)) == 1
    assert len(subjects_for(supervisor.email)) == 1
    digest = next(m for m in mail.outbox if m.to == [official.email])
    assert digest.subject == "2 requests became overdue"
    assert first.reference in digest.body and second.reference in digest.body

    mail.outbox.clear()
    with at(DEADLINE + timedelta(days=2)):
        send_overdue_digests()
    assert mail.outbox == []
