"""Celery tasks: thin, idempotent wrappers around services. They take primary keys, never objects."""

from celery import Task, shared_task
from celery.signals import worker_ready
from django.conf import settings

from disclosures.records.errors import TRANSIENT_ERRORS


@shared_task(name="disclosures.send_outbox_mail", ignore_result=True, acks_late=True)
def send_outbox_mail(mail_id: int) -> None:
    from disclosures.services.notifications import send_outbox_mail as run

    run(mail_id)


@shared_task(name="disclosures.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    from disclosures.services.notifications import drain_outbox as run

    return run()


@shared_task(name="disclosures.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders() -> int:
    from disclosures.services.notifications import send_deadline_reminders as run

    return run()


@shared_task(name="disclosures.send_overdue_digests", ignore_result=True)
def send_overdue_digests() -> int:
    from disclosures.services.notifications import send_overdue_digests as run

    return run()


@shared_task(name="disclosures.send_publication_digests", ignore_result=True)
def send_publication_digests() -> int:
    from disclosures.services.notifications import send_publication_digests as run

    return run()


class RecordTask(Task):
    """Marks the job failed, with the error, once automatic retries are exhausted."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from disclosures.services.records import mark_failed

        if args:
            mark_failed(args[0], exc)


@shared_task(
    name="disclosures.render_record",
    base=RecordTask,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.RECORD_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.RECORD_RENDER_TIME_LIMIT,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def render_record(job_id: int) -> None:
    from disclosures.services.records import run_record_job

    run_record_job(job_id)


@shared_task(name="disclosures.sweep_record_jobs", ignore_result=True)
def sweep_record_jobs() -> int:
    from disclosures.services.records import sweep_record_jobs as run

    return run()


@shared_task(
    name="disclosures.renew_record_timestamps",
    ignore_result=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=2000,
)
def renew_record_timestamps() -> int:
    from disclosures.services.records import renew_record_timestamps as run

    return run()


@shared_task(
    name="disclosures.integrate_log",
    ignore_result=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def integrate_log() -> int:
    from disclosures.services.log import integrate_pending_entries

    return integrate_pending_entries()


@worker_ready.connect
def _check_record_rendering(**kwargs) -> None:
    from disclosures.records.render import check_fast_subsetting

    check_fast_subsetting()
