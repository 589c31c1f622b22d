"""Worker liveness and queue lengths, asked of the broker with a short timeout."""

from dataclasses import dataclass, field

from django.conf import settings

from portal.celery import app as celery_app

QUEUES = ("celery", "pdf")


@dataclass(frozen=True)
class Worker:
    name: str
    queues: list[str] = field(default_factory=list)


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def live_workers(timeout: float | None = None) -> list[Worker]:
    """The workers that answer within the timeout, with the queues each consumes (one broadcast)."""
    timeout = settings.WORKER_PING_TIMEOUT_MS / 1000 if timeout is None else timeout
    replies = celery_app.control.inspect(timeout=timeout).active_queues() or {}
    return sorted(
        (Worker(name=name, queues=sorted(queue["name"] for queue in queues)) for name, queues in replies.items()),
        key=lambda worker: worker.name,
    )


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each queue (not those a worker holds)."""
    lengths = {}
    with celery_app.connection_for_read() as connection:
        channel = connection.default_channel
        for name in QUEUES:
            try:
                lengths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except connection.channel_errors:  # a queue no one has declared yet: nothing waits in it
                lengths[name] = 0
    return lengths
