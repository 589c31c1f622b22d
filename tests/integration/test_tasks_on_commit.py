"""A task scheduled on commit runs through a real worker process with Redis."""

import pytest

from disclosures.services.requests import issue_request
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_issuing_a_request_notifies_the_developer_through_the_worker(celery_worker_process, mail_dir):
    request = DisclosureRequestFactory(state=State.DRAFT)
    official = member(Role.OFFICIAL, request.ministry)
    responder = member(Role.RESPONDER, request.developer, preferred_language="en")

    issue_request(request=request, by=official)

    def delivered():
        texts = [path.read_text() for path in mail_dir.glob("*.log")]
        return [text for text in texts if request.reference in text and responder.email in text]

    messages = wait_for(delivered)
    assert "Issued" in messages[0]


def test_the_database_is_postgresql_and_the_broker_is_redis(settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
