"""Celery tasks: thin, idempotent wrappers around services. They take primary keys, never objects."""

from celery import shared_task

from disclosures.models import AuditEvent


@shared_task(name="disclosures.notify_transition", ignore_result=True)
def notify_transition(event_id: int) -> None:
    from disclosures.services.notifications import notify_of_transition

    event = AuditEvent.objects.select_related("request__developer", "request__ministry").filter(pk=event_id).first()
    if event is not None and event.request is not None:
        notify_of_transition(event=event)


@shared_task(name="disclosures.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders() -> int:
    from disclosures.services.notifications import send_deadline_reminders as run

    return run()


@shared_task(name="disclosures.send_overdue_digests", ignore_result=True)
def send_overdue_digests() -> int:
    from disclosures.services.notifications import send_overdue_digests as run

    return run()
