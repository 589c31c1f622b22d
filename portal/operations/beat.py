"""Beat's scheduler, noting each task it sends in the cache so the operator page can show the last run."""

import contextlib

from celery.beat import PersistentScheduler
from django.core.cache import cache
from django.utils import timezone

LAST_BEAT_RUN_KEY = "operations:last-beat-run"


class RecordingScheduler(PersistentScheduler):
    def apply_entry(self, entry, producer=None):
        super().apply_entry(entry, producer=producer)
        # A cache outage must not stop the schedule; /readyz reports the cache.
        with contextlib.suppress(Exception):
            cache.set(LAST_BEAT_RUN_KEY, {"task": entry.task, "at": timezone.now().isoformat()}, timeout=None)


def last_beat_run() -> dict | None:
    """{"task": name, "at": ISO time} of the last task beat sent, or None."""
    return cache.get(LAST_BEAT_RUN_KEY)
