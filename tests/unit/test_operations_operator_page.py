"""The operator page: platform administrators see workers, queues, beat and record jobs, and retry."""

import pytest
from django.urls import reverse

from disclosures.models import AuditEvent, RecordJob
from portal.operations import status
from portal.operations.beat import LAST_BEAT_RUN_KEY, RecordingScheduler
from tests.factories import UserFactory


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True)


def _job(request, status_value, error=""):
    event = AuditEvent.objects.create(action="issue", request=request)
    return RecordJob.objects.create(request=request, event=event, kind="request", variant="public",
                                    status=status_value, error=error)  # fmt: skip


def test_only_platform_administrators_see_the_operator_page(client, login, official, db):
    url = reverse("operator:dashboard")
    assert client.get(url).status_code == 302  # to sign-in
    login(client, official)
    assert client.get(url).status_code == 404


def test_the_page_lists_failed_and_pending_jobs_and_the_last_beat_run(client, login, operator, issued_request):
    failed = _job(issued_request, RecordJob.Status.FAILED, error="RenderError: font missing")
    _job(issued_request, RecordJob.Status.PENDING)
    from django.core.cache import cache

    cache.set(LAST_BEAT_RUN_KEY, {"task": "disclosures.sweep_record_jobs", "at": "2026-12-01T08:00:00+00:00"})
    login(client, operator)
    response = client.get(reverse("operator:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "RenderError: font missing" in page
    assert "<h1>運用状況</h1>" in page and "失敗した記録作成ジョブ" in page
    assert reverse("operator:record_job_retry", args=[failed.public_id]) in page
    assert "disclosures.sweep_record_jobs" in page and "2026-12-01 17:00:00" in page  # shown in Japan time
    assert response.context["failed_count"] == 1 and response.context["in_progress_count"] == 1
    # No broker: tasks run in-process, which the page says instead of queue lengths.
    assert response.context["broker"] is False


def test_with_a_broker_the_page_shows_queue_lengths_and_queues_no_worker_serves(
    client, login, operator, settings, monkeypatch
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(status, "live_workers", lambda timeout=None: [status.Worker("worker@a", ["celery"])])
    monkeypatch.setattr(status, "queue_lengths", lambda: {"celery": 0, "pdf": 7})
    login(client, operator)
    response = client.get(reverse("operator:dashboard"))
    assert response.context["queues"] == {"celery": 0, "pdf": 7}
    assert response.context["unserved_queues"] == ["pdf"]
    assert "worker@a" in response.content.decode()


def test_retry_puts_a_failed_job_back_through_the_queue_and_audits_it(
    client, login, operator, issued_request, django_capture_on_commit_callbacks, monkeypatch
):
    failed = _job(issued_request, RecordJob.Status.FAILED, error="boom")
    sent = []
    monkeypatch.setattr("disclosures.tasks.render_record.delay", lambda job_id: sent.append(job_id))
    login(client, operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("operator:record_job_retry", args=[failed.public_id]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == RecordJob.Status.PENDING
    assert sent == [failed.pk]
    assert AuditEvent.objects.filter(action="retry_record", actor=operator, request=issued_request).exists()


def test_retry_is_refused_to_everyone_else(client, login, official, issued_request):
    failed = _job(issued_request, RecordJob.Status.FAILED)
    login(client, official)
    assert client.post(reverse("operator:record_job_retry", args=[failed.public_id])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == RecordJob.Status.FAILED


def test_beat_notes_each_task_it_sends(db, monkeypatch):
    from celery.beat import PersistentScheduler, ScheduleEntry
    from django.core.cache import cache

    from portal.celery import app

    monkeypatch.setattr(PersistentScheduler, "apply_entry", lambda self, entry, producer=None: None)
    scheduler = RecordingScheduler.__new__(RecordingScheduler)
    scheduler.apply_entry(ScheduleEntry(name="drain", task="disclosures.drain_outbox", app=app))
    assert cache.get(LAST_BEAT_RUN_KEY)["task"] == "disclosures.drain_outbox"
    assert app.conf.beat_scheduler == "portal.operations.beat:RecordingScheduler"
