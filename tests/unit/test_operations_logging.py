"""Logs are JSON lines, one per request and per task, tied by the request id, and never carry secrets or
confidential answers."""

import io
import json
import logging

import pytest
import structlog
from celery import shared_task
from django.conf import settings
from django.urls import reverse

from disclosures.models import RecordJob
from portal.celery import app as celery_app
from portal.logging import REDACTED, formatter
from tests.answers_data import give_complete_draft

CONFIDENTIAL = "CANARYCONFIDENTIAL7f3a91"
SECRET = "CANARYSECRET-b81e44c2d9"


@pytest.fixture
def log_lines():
    """Everything logged, at DEBUG, as the production formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    root.removeHandler(handler)
    root.setLevel(previous)
    structlog.contextvars.clear_contextvars()


def test_each_request_is_one_json_line_with_status_and_a_request_id(client, db, log_lines):
    response = client.get(reverse("public:index"), headers={"X-Request-ID": "proxy-given-id-123"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-given-id-123"
    requests = [line for line in log_lines() if line["event"] == "request"]
    assert len(requests) == 1
    assert requests[0] | {"duration_ms": 0} == requests[0] | {
        "method": "GET",
        "path": reverse("public:index"),
        "status": 200,
        "request_id": "proxy-given-id-123",
        "level": "info",
        "duration_ms": 0,
    }


def test_an_unusable_incoming_request_id_is_replaced(client, db, log_lines):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": 'bad id"\n{'})
    assert response["X-Request-ID"] != 'bad id"\n{'
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db(transaction=True)
def test_a_task_logs_one_line_with_the_request_id_of_the_request_that_scheduled_it(
    client, login, issued_request, submitter, log_lines
):
    # A real commit inside the request, so its on-commit tasks run while the request is being served.
    give_complete_draft(issued_request)
    login(client, submitter)
    response = client.post(reverse("developer:answers_submit", args=[issued_request.public_id]), {"confirm": "1"})
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    tasks = [line for line in log_lines() if line["event"] == "task"]
    renders = [line for line in tasks if line["task"] == "disclosures.render_record"]
    assert len(renders) == RecordJob.objects.filter(request=issued_request, kind="submission").count() == 2
    assert all(line["request_id"] == request_id and line["state"] == "SUCCESS" for line in renders)


def test_a_worker_gets_the_request_id_in_the_message_headers(settings):
    # The eager run above shares the process; a worker only has the message, so the id travels in it.
    structlog.contextvars.bind_contextvars(request_id="abc123def456")
    headers: dict = {}
    from celery import signals

    signals.before_task_publish.send(sender="disclosures.render_record", headers=headers, body=None)
    assert headers["request_id"] == "abc123def456"
    structlog.contextvars.clear_contextvars()
    assert celery_app.conf.worker_hijack_root_logger is False


def _planted_world(issued_request):
    draft = give_complete_draft(issued_request)
    draft.answers["output_filters"][0].update({"tier": "trade_secret", "reason": CONFIDENTIAL, "blocks": CONFIDENTIAL})
    draft.save()
    return draft


def test_no_secret_or_confidential_answer_reaches_the_logs(
    client, login, settings, issued_request, submitter, official, log_lines, django_capture_on_commit_callbacks
):
    settings.RECORD_SIGNING_PASSPHRASE = SECRET
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "OPTIONS": {"password": SECRET + "-mail"},
        }
    }
    _planted_world(issued_request)
    login(client, submitter)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                reverse("developer:answers_submit", args=[issued_request.public_id]), {"confirm": "1"}
            ).status_code
            == 302
        )
    assert client.get(reverse("developer:answers", args=[issued_request.public_id]), follow=True).status_code == 200
    client.get(reverse("developer:answers", args=[issued_request.public_id]) + f"?q={CONFIDENTIAL}")
    login(client, official)
    assert client.get(reverse("official:request_detail", args=[issued_request.public_id])).status_code == 200
    complete = issued_request.records.get(kind="submission", variant="complete")
    download = client.get(reverse("record_download", args=[complete.public_id]))
    assert download.status_code == 200
    b"".join(download.streaming_content)
    # Even a careless line is scrubbed of the deployment's secrets.
    logging.getLogger("portal.careless").warning("connecting with %s and %s", SECRET, SECRET + "-mail")

    lines = log_lines()
    output = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert any(line["event"] == "task" for line in lines) and any(line["event"] == "request" for line in lines)
    assert CONFIDENTIAL not in output
    assert SECRET not in output
    assert f"connecting with {REDACTED} and {REDACTED}" in output


def test_a_password_reset_link_is_logged_without_its_token(client, db, log_lines):
    client.get("/accounts/reset/MQ/CANARYTOKEN-abc-123/")
    paths = [line["path"] for line in log_lines() if line["event"] == "request"]
    assert paths == ["/accounts/reset/<uidb64>/<token>/"]


def test_settings_send_every_logger_through_the_json_formatter():
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "portal"
    assert settings.LOGGING["loggers"]["botocore"]["level"] == "WARNING"


@shared_task(name="tests.operations.failing_task")
def failing_task():
    raise LookupError("the record's request is gone")


def test_a_failed_task_logs_its_line_with_the_error_type(log_lines):
    failing_task.apply(throw=False)  # handled as a worker handles it
    [line] = [line for line in log_lines() if line["event"] == "task"]
    assert line["task"] == "tests.operations.failing_task"
    assert line["state"] == "FAILURE" and line["error"] == "LookupError" and line["level"] == "error"
