"""Record jobs: created with the state change, enqueued after commit, done once, swept when lost."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from disclosures import tasks
from disclosures.models import AuditEvent, Record, RecordJob
from disclosures.services import records as record_services
from disclosures.services.records import run_record_job, sweep_record_jobs
from disclosures.services.requests import issue_request
from disclosures.states import State
from tests.factories import DisclosureRequestFactory


@pytest.fixture
def draft(ministry, developer, official):
    return DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)


def test_issuing_creates_the_job_in_the_same_transaction_and_enqueues_only_after_commit(
    draft, official, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.render_record, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            issue_request(request=draft, by=official)
            job = RecordJob.objects.get(request=draft)
            assert job.status == RecordJob.Status.PENDING
            delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_any_call(job.pk)


def test_running_the_task_twice_for_one_job_signs_once(draft, official, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    with mock.patch.object(record_services, "sign_pdf", wraps=record_services.sign_pdf) as sign:
        tasks.render_record.apply(args=[job.pk])
        tasks.render_record.apply(args=[job.pk])
        RecordJob.objects.filter(pk=job.pk).update(status=RecordJob.Status.PENDING)  # a redelivered message
        tasks.render_record.apply(args=[job.pk])
    assert sign.call_count == 1
    assert Record.objects.filter(job=job).count() == 1
    job.refresh_from_db()
    assert job.status == RecordJob.Status.DONE


def test_a_job_claimed_by_a_live_worker_is_left_alone(draft, official, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    RecordJob.objects.filter(pk=job.pk).update(status=RecordJob.Status.RUNNING, claimed_at=timezone.now())
    assert run_record_job(job.pk) is None
    assert not Record.objects.filter(job=job).exists()


def test_the_sweeper_requeues_a_stale_job_and_its_render_then_takes_over(
    draft, official, settings, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    long_ago = timezone.now() - timedelta(
        seconds=max(settings.RECORD_JOB_STALE_SECONDS, settings.RECORD_RENDER_TIME_LIMIT) + 60
    )
    RecordJob.objects.filter(pk=job.pk).update(
        status=RecordJob.Status.RUNNING, claimed_at=long_ago, updated_at=long_ago
    )
    fresh = DisclosureRequestFactory(ministry=draft.ministry, developer=draft.developer, state=State.DRAFT)
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=fresh, by=official)

    with mock.patch.object(tasks.render_record, "delay") as delay:
        assert sweep_record_jobs() == 1
    delay.assert_called_once_with(job.pk)
    run_record_job(job.pk)
    assert Record.objects.filter(job=job).exists()


def test_a_transient_error_hands_the_job_back_and_a_permanent_one_fails_it_with_the_error(
    draft, official, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    with (
        mock.patch.object(record_services, "render_pdf", side_effect=OperationalError("db away")),
        pytest.raises(OperationalError),
    ):
        run_record_job(job.pk)
    job.refresh_from_db()
    assert job.status == RecordJob.Status.PENDING and "db away" in job.error
    with mock.patch.object(record_services, "render_pdf", side_effect=ValueError("bad template")):
        run_record_job(job.pk)
    job.refresh_from_db()
    assert job.status == RecordJob.Status.FAILED and "bad template" in job.error


def test_an_official_retries_a_failed_record_and_it_is_produced(draft, official, django_capture_on_commit_callbacks):
    from disclosures.selectors.records import records_for_request
    from disclosures.services.records import retry_record_job

    with (
        mock.patch.object(record_services, "render_pdf", side_effect=ValueError("bad template")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        issue_request(request=draft, by=official)
    (row,) = records_for_request(draft)
    assert row.job.status == RecordJob.Status.FAILED and "bad template" in row.job.error and row.record is None
    with django_capture_on_commit_callbacks(execute=True):
        retry_record_job(job=row.job, by=official)
    (row,) = records_for_request(draft)
    assert row.record is not None and row.log_index == 0
    assert AuditEvent.objects.filter(action="retry_record", request=draft, actor=official).count() == 1


def test_a_developer_cannot_retry_a_record(draft, official, submitter, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied

    from disclosures.selectors.records import records_for_request
    from disclosures.services.records import retry_record_job

    with (
        mock.patch.object(record_services, "render_pdf", side_effect=ValueError("bad template")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        issue_request(request=draft, by=official)
    (row,) = records_for_request(draft)
    with pytest.raises(PermissionDenied):
        retry_record_job(job=row.job, by=submitter)
    row.job.refresh_from_db()
    assert row.job.status == RecordJob.Status.FAILED


def test_the_complete_pdf_is_downloadable_by_the_parties_only(issued_request, official, responder):
    from disclosures.services.audit import record_event

    event = record_event(action="accept", actor=official, request=issued_request)
    job = RecordJob.objects.create(request=issued_request, event=event, kind="decision", variant="complete")
    record = Record.objects.create(
        job=job, request=issued_request, kind="decision", variant="complete", title="t", file="x.pdf",
        sha256="0" * 64, size=1, page_count=1, signed_by="t",
    )  # fmt: skip

    from django.contrib.auth.models import AnonymousUser

    from disclosures.selectors.records import may_download

    assert not may_download(AnonymousUser(), record)
    assert may_download(responder, record)
    assert may_download(official, record)


def stale_seconds(settings) -> int:
    return max(settings.RECORD_JOB_STALE_SECONDS, settings.RECORD_RENDER_TIME_LIMIT)


def test_the_sweeper_resends_a_stale_running_job_at_most_once_per_stale_period(
    draft, official, settings, django_capture_on_commit_callbacks
):
    import time_machine

    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert record_services.claim_job(job.pk) is not None  # a worker claims it, then dies
        clock.shift(stale_seconds(settings) + 1)
        with mock.patch.object(tasks.render_record, "delay") as delay:
            sends = [sweep_record_jobs()]
            for _ in range(5):  # a sweep every minute: the message is still on its way
                clock.shift(60)
                sends.append(sweep_record_jobs())
            clock.shift(settings.RECORD_JOB_STALE_SECONDS)
            sends.append(sweep_record_jobs())
    assert sends == [1, 0, 0, 0, 0, 0, 1]
    assert delay.call_count == 2


def kill_after_storing(job: RecordJob) -> str:
    """What a SIGKILL between storing the signed file and the transaction leaves: a running job and a file."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    claimed = record_services.claim_job(job.pk)
    return default_storage.save(record_services.job_file_name(claimed), ContentFile(b"%PDF-1.7 signed, never recorded"))


def files_of(request) -> list[str]:
    from django.core.files.storage import default_storage

    _dirs, names = default_storage.listdir(f"records/{request.reference}")
    return sorted(f"records/{request.reference}/{name}" for name in names)


def test_the_retry_after_a_killed_worker_replaces_its_unrecorded_file(
    draft, official, settings, django_capture_on_commit_callbacks
):
    import time_machine

    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    orphan = kill_after_storing(job)
    assert files_of(draft) == [orphan]

    with time_machine.travel(timezone.now() + timedelta(seconds=stale_seconds(settings) + 1)):
        record = run_record_job(job.pk)  # the redelivered message takes over the dead worker's claim
    assert record is not None
    assert files_of(draft) == [record.file.name]
    assert record.file.name != orphan
    assert record.file.name.startswith(f"records/{draft.reference}/{job.public_id}-")


def test_the_sweeper_removes_the_file_a_killed_worker_left_and_the_record_is_produced_once(
    draft, official, settings, django_capture_on_commit_callbacks
):
    import time_machine

    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    orphan = kill_after_storing(job)

    later = timezone.now() + timedelta(seconds=stale_seconds(settings) + 1)
    # The broker takes the message; no worker has it yet.
    with time_machine.travel(later), mock.patch.object(tasks.render_record, "delay") as delay:
        assert sweep_record_jobs() == 1
    delay.assert_called_once_with(job.pk)
    assert files_of(draft) == []  # no orphan survives a sweep, so none can pass as a portal record
    assert not Record.objects.filter(job=job).exists()
    job.refresh_from_db()
    assert job.status == RecordJob.Status.RUNNING
    assert orphan.endswith(f"{job.public_id}-1.pdf")


def test_a_job_failed_after_its_worker_was_lost_leaves_no_file(draft, official, django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    job = RecordJob.objects.get(request=draft)
    kill_after_storing(job)
    # Celery calls the task's on_failure (here: WorkerLostError after the hard time limit).
    tasks.render_record.on_failure(RuntimeError("Worker exited prematurely"), "task-id", [job.pk], {}, None)
    job.refresh_from_db()
    assert job.status == RecordJob.Status.FAILED
    assert files_of(draft) == []
