"""Log appends on PostgreSQL: entries per second through `enqueue_log_entry` + the `integrate_log` task, on a
small log and on a log of 1,000,000 entries, to show that an append costs the same at any size.

Run: LOG_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_rec_bench \
         .venv/bin/python bench/log_append_pg.py [--sizes 1000,1000000] [--runs 5] [--appends 200] [--batch 20]

The database named in LOG_BENCH_DATABASE_URL is dropped and created again for each size (never point it at
real data); without it the script says so and does nothing. Each size is bulk-built with the builder of
`bench/log_scale.py` (records, entries, tiles, one signed checkpoint per 1,000 entries). Each run then adds
--appends records the way rendering workers do (one `enqueue_log_entry` per record, each in its own
transaction) and sequences them by running the `disclosures.integrate_log` task (in this process) once per
--batch entries, and once per entry (the worst case: one signed checkpoint each). It prints the median,
minimum and maximum over the runs.
"""

import argparse
import hashlib
import itertools
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
DATABASE_URL = os.environ.get("LOG_BENCH_DATABASE_URL", "")
if not DATABASE_URL.startswith("postgres"):
    print("Skipped: set LOG_BENCH_DATABASE_URL to a throw-away PostgreSQL database (it is dropped and recreated).")
    sys.exit(0)
os.environ["DATABASE_URL"] = DATABASE_URL


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (connected to the server's `postgres` database)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


import log_scale  # noqa: E402  (sets up Django on DATABASE_URL)
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from disclosures import tasks  # noqa: E402
from disclosures.models import AuditEvent, LogCheckpoint, Record, RecordJob  # noqa: E402
from disclosures.services import log as log_service  # noqa: E402

# Version numbers above the built log's, one per appended record (the job's unique key).
VERSIONS = itertools.count(10**8)


def new_records(request_id: int, event: AuditEvent, count: int, tag: str) -> list[int]:
    now = timezone.now()
    jobs = RecordJob.objects.bulk_create(
        RecordJob(request_id=request_id, event=event, kind="submission", version_number=next(VERSIONS),
                  variant="public", status="done", created_at=now, updated_at=now)
        for n in range(count)
    )  # fmt: skip
    records = Record.objects.bulk_create(
        Record(job=job, request_id=request_id, kind="submission", variant="public", title="r", file="",
               sha256=hashlib.sha256(f"{tag} {n}".encode()).hexdigest(), size=1, page_count=1, signed_by="b")
        for n, job in enumerate(jobs)
    )  # fmt: skip
    return [r.pk for r in records]


def append(record_ids: list[int], batch: int) -> tuple[float, list[float]]:
    """Enqueue each record in its own transaction and run integrate_log every `batch` entries.

    Returns the elapsed seconds and the duration of each integration step.
    """
    steps = []
    started = time.perf_counter()
    for position, record_id in enumerate(record_ids, start=1):
        with transaction.atomic():
            log_service.enqueue_log_entry(record=Record.objects.get(pk=record_id))
        if position % batch == 0 or position == len(record_ids):
            step = time.perf_counter()
            tasks.integrate_log.apply(throw=True)
            steps.append(time.perf_counter() - step)
    return time.perf_counter() - started, steps


def spread(values: list[float], unit: str, digits: int = 0) -> str:
    return (
        f"median {statistics.median(values):,.{digits}f} {unit} "
        f"(min {min(values):,.{digits}f}, max {max(values):,.{digits}f})"
    )


def measure(size: int, runs: int, appends: int, batch: int) -> None:
    connections.close_all()
    recreate_database(DATABASE_URL)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    request_id, _event_id, event = log_scale.build(size)
    print(f"\n{size:,} entries: built in {time.perf_counter() - started:.0f} s")
    # The benchmark runs the sequencer task itself instead of the one each commit would schedule.
    log_service._schedule_integration = lambda: None
    for label, per in ((f"batches of {batch}", batch), ("one entry per batch", 1)):
        rates, step_ms = [], []
        for run in range(runs):
            ids = new_records(request_id, event, appends, f"{size}-{per}-{run}")
            elapsed, steps = append(ids, per)
            rates.append(appends / elapsed)
            step_ms.extend(s * 1000 for s in steps)
        size_now = LogCheckpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True).first()
        print(f"  {label}: {spread(rates, 'entries/s')} over {runs} runs of {appends}; "
              f"integrate_log step {spread(step_ms, 'ms', 1)}; log now {size_now:,} entries")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.runs, args.appends, args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
