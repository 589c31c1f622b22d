"""A mail is never lost while the broker is away: the outbox row waits and the drain sends it, once."""

import pytest

from disclosures.models import DisclosureRequest, OutboxMail
from disclosures.services.requests import issue_request
from disclosures.states import State
from portal.accounts.models import Role
from portal.celery import app as celery_app
from tests.factories import DisclosureRequestFactory, member
from tests.integration.conftest import task_succeeded, wait_for

# The private, stoppable broker and the worker starter of the records' broker-outage tests.
from tests.integration.test_records_worker import broker, workers  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_transition_made_while_the_broker_is_down_is_mailed_exactly_once_when_the_outbox_drains(
    broker,  # noqa: F811
    workers,  # noqa: F811
    mail_dir,
    tmp_path,
):
    request = DisclosureRequestFactory(state=State.DRAFT)
    official = member(Role.OFFICIAL, request.ministry)
    responder = member(Role.RESPONDER, request.developer, preferred_language="en")
    assert not broker.answers()

    issue_request(request=request, by=official)

    assert DisclosureRequest.objects.get(pk=request.pk).state == State.ISSUED
    row = OutboxMail.objects.get(event__request=request)
    assert (row.recipient_id, row.status) == (responder.pk, OutboxMail.Status.PENDING)
    assert not list(mail_dir.iterdir())

    broker.start()
    workers("mailer")
    # What beat does every minute, twice over, and a duplicate of the message the outage swallowed.
    sent = [
        celery_app.send_task("disclosures.drain_outbox"),
        celery_app.send_task("disclosures.drain_outbox"),
        celery_app.send_task("disclosures.send_outbox_mail", args=[row.pk]),
    ]
    log = tmp_path / "mailer.log"
    wait_for(lambda: all(task_succeeded(log, task.id) for task in sent))

    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxMail.Status.SENT, 1)
    messages = [path.read_text() for path in mail_dir.glob("*.log")]
    to_responder = [text for text in messages if responder.email in text and request.reference in text]
    assert len(to_responder) == 1
    assert "Issued" in to_responder[0]
