"""Transition mails go through the outbox: written with the change, sent once, never lost, never for a draft."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from disclosures import tasks
from disclosures.models import AuditEvent, LogEntry, OutboxMail, Record, RecordJob
from disclosures.services import notifications
from disclosures.services.notifications import drain_outbox, send_outbox_mail
from disclosures.services.records import schedule_records
from disclosures.services.requests import issue_request, withdraw_request
from disclosures.states import Action, State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member

pytestmark = pytest.mark.django_db

BROKER_DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")


@pytest.fixture
def draft(ministry, developer, official):
    return DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)


@pytest.fixture
def issued_mail(draft, official, responder, django_capture_on_commit_callbacks):
    """The outbox row of an issue, left pending as a lost broker message would leave it."""
    with (
        mock.patch.object(tasks.render_record, "delay"),
        mock.patch.object(tasks.send_outbox_mail, "delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        issue_request(request=draft, by=official)
    return OutboxMail.objects.get(recipient=responder)


def test_withdrawing_a_draft_mails_nobody_and_leaves_no_record_and_no_log_entry(
    draft, official, responder, django_capture_on_commit_callbacks
):
    member(Role.SUBMITTER, draft.developer)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_request(request=draft, by=official, reasons="Internal: the minister changed her mind.")

    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN
    assert mail.outbox == []
    assert not OutboxMail.objects.exists()
    assert not RecordJob.objects.filter(request=draft).exists()
    assert not Record.objects.filter(request=draft).exists()
    assert not LogEntry.objects.exists()


def test_rebuilding_records_makes_none_for_a_draft_that_was_withdrawn(draft, official):
    withdraw_request(request=draft, by=official, reasons="Not needed after all.")
    event = AuditEvent.objects.get(request=draft, action=Action.WITHDRAW)
    assert schedule_records(event=event) == []


def test_withdrawing_an_issued_request_still_tells_the_developer_and_makes_its_record(
    issued_request, official, responder, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        withdraw_request(request=issued_request, by=official, reasons="Superseded by a new request.")
    assert [m.to for m in mail.outbox] == [[responder.email]]
    assert RecordJob.objects.filter(request=issued_request, event__action=Action.WITHDRAW).exists()


def test_a_transition_writes_its_mails_with_it_and_sends_them_only_after_commit(
    draft, official, responder, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks.render_record, "delay"),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        issue_request(request=draft, by=official)
        row = OutboxMail.objects.get()
        assert (row.recipient, row.status) == (responder, OutboxMail.Status.PENDING)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[responder.email]]
    assert draft.reference in mail.outbox[0].subject
    row.refresh_from_db()
    assert row.status == OutboxMail.Status.SENT and row.sent_at is not None and row.attempts == 1


def test_a_transition_that_rolls_back_leaves_no_mail_behind(draft, official, responder):
    with mock.patch.object(tasks.render_record, "delay"), pytest.raises(RuntimeError), transaction.atomic():
        issue_request(request=draft, by=official)
        raise RuntimeError("something later in the same transaction failed")
    assert not OutboxMail.objects.exists()
    assert mail.outbox == []


def test_with_the_broker_down_the_mail_waits_in_the_outbox_and_the_drain_sends_it_once(
    draft, official, responder, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(tasks.render_record, "delay"),
        mock.patch.object(tasks.send_outbox_mail, "delay", side_effect=BROKER_DOWN) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        issue_request(request=draft, by=official)

    row = OutboxMail.objects.get()
    delay.assert_called_once_with(row.pk)
    assert row.status == OutboxMail.Status.PENDING
    assert mail.outbox == []
    assert "the outbox drain will send them" in caplog.text

    assert drain_outbox() == 1
    assert drain_outbox() == 0
    assert [m.to for m in mail.outbox] == [[responder.email]]


def test_a_duplicated_message_or_a_drain_beside_it_sends_the_mail_once(issued_mail):
    tasks.send_outbox_mail.apply(args=[issued_mail.pk])
    tasks.send_outbox_mail.apply(args=[issued_mail.pk])
    drain_outbox()
    assert len(mail.outbox) == 1


def test_a_mail_being_sent_by_a_live_worker_is_left_alone_and_a_dead_workers_is_taken_over(issued_mail, settings):
    OutboxMail.objects.filter(pk=issued_mail.pk).update(status=OutboxMail.Status.SENDING, claimed_at=timezone.now())
    assert drain_outbox() == 0
    assert mail.outbox == []

    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    OutboxMail.objects.filter(pk=issued_mail.pk).update(claimed_at=long_ago)
    assert drain_outbox() == 1
    assert len(mail.outbox) == 1


def test_a_refused_send_is_retried_later_with_backoff_and_failed_after_the_last_attempt(issued_mail, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch.object(notifications, "send_templated_email", side_effect=refused):
        before = timezone.now()
        assert send_outbox_mail(issued_mail.pk) is False
        issued_mail.refresh_from_db()
        assert (issued_mail.status, issued_mail.attempts) == (OutboxMail.Status.PENDING, 1)
        assert issued_mail.next_attempt_at >= before + timedelta(seconds=notifications.RETRY_BASE_SECONDS)
        assert "SMTPServerDisconnected" in issued_mail.error

        assert drain_outbox() == 0  # not due yet: the drain leaves it
        issued_mail.refresh_from_db()
        assert issued_mail.attempts == 1

        OutboxMail.objects.filter(pk=issued_mail.pk).update(next_attempt_at=timezone.now())
        assert drain_outbox() == 0
    issued_mail.refresh_from_db()
    assert (issued_mail.status, issued_mail.attempts) == (OutboxMail.Status.FAILED, 2)
    assert mail.outbox == []


def test_a_mail_that_can_never_be_rendered_fails_at_once_with_its_error(issued_mail):
    OutboxMail.objects.filter(pk=issued_mail.pk).update(template="email/no_such_template")
    assert send_outbox_mail(issued_mail.pk) is False
    issued_mail.refresh_from_db()
    assert issued_mail.status == OutboxMail.Status.FAILED
    assert "TemplateDoesNotExist" in issued_mail.error


def test_a_recipient_deactivated_before_the_send_gets_nothing(issued_mail, responder):
    responder.is_active = False
    responder.save(update_fields=["is_active"])
    assert drain_outbox() == 0
    assert mail.outbox == []
    issued_mail.refresh_from_db()
    assert issued_mail.status == OutboxMail.Status.FAILED
