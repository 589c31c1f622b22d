"""Celery tasks of the concerns app: thin wrappers around services."""

from celery import shared_task


@shared_task(name="concerns.send_digests", ignore_result=True)
def send_digests() -> int:
    from concerns.watch import send_digests as run

    return run()
