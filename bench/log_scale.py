"""The public log at scale: append throughput (1 and 2 sequencing processes), proof times and verify_log.

Run: .venv/bin/python bench/log_scale.py [--entries 1000000] [--appends 400] [--proofs 200]
Uses a throw-away SQLite database in a temporary directory. It bulk-builds a log of --entries entries
(records, entries, tiles and one signed checkpoint per 1,000 entries, as the sequencer would), then:
- times RFC 9162 inclusion and consistency proofs read from the stored tiles (median of --proofs);
- runs `check_log()` (what `manage.py verify_log --skip-files` does) over the whole log, with its peak RSS;
- appends --appends more records through `enqueue_log_entry` + `integrate_pending_entries`, one entry per
  batch (the worst case: a checkpoint signed per entry) from 1 and then 2 processes at once.
"""

import argparse
import hashlib
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-log-"))
os.environ["DEBUG"] = "0"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from disclosures.models import AuditEvent, LogCheckpoint, LogTile, Record, RecordJob  # noqa: E402
from disclosures.records import merkle, note  # noqa: E402
from disclosures.records.logcheck import check_log  # noqa: E402
from disclosures.selectors import log as log_selectors  # noqa: E402
from disclosures.services import log as log_service  # noqa: E402
from disclosures.services.log import EMPTY_CHAIN, enqueue_log_entry, integrate_pending_entries  # noqa: E402
from tests.factories import DisclosureRequestFactory  # noqa: E402

CHECKPOINT_EVERY = 1000


def build(entries: int) -> tuple[int, int, AuditEvent]:
    """Insert `entries` records and their log, as many sequenced batches of CHECKPOINT_EVERY would leave it."""
    request = DisclosureRequestFactory(state="issued")
    event = AuditEvent.objects.create(action="submit", request=request)
    now = timezone.now().replace(microsecond=0)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    origin, key = note.log_origin(), note.log_signing_key()
    builder, chain, tiles = merkle.TreeBuilder(), EMPTY_CHAIN, {}
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, entries, 20000):
            numbers = range(start, min(entries, start + 20000))
            cursor.executemany(
                "INSERT INTO disclosures_recordjob (public_id, request_id, event_id, kind, version_number, variant,"
                " status, attempts, error, created_at, updated_at) VALUES (%s,%s,%s,'submission',%s,'public','done',"
                "1,'',%s,%s)",
                [(uuid.uuid4().hex, request.pk, event.pk, n + 1, now, now) for n in numbers],
            )
            first_job = RecordJob.objects.filter(request=request, version_number=start + 1).values_list(
                "pk", flat=True
            )[0]
            hashes = [hashlib.sha256(n.to_bytes(8, "big")).hexdigest() for n in numbers]
            cursor.executemany(
                "INSERT INTO disclosures_record (public_id, job_id, request_id, kind, variant, title, file, sha256,"
                " size, page_count, signed_by, created_at)"
                " VALUES (%s,%s,%s,'submission','public','r','',%s,1,1,'b',%s)",
                [(uuid.uuid4().hex, first_job + i, request.pk, hashes[i], now) for i in range(len(hashes))],
            )
            first_record = Record.objects.filter(job_id=first_job).values_list("pk", flat=True)[0]
            rows = []
            for i, n in enumerate(numbers):
                data = merkle.leaf_bytes(record_sha256=hashes[i], kind="submission", reference=request.reference,
                                         logged_at=stamp)  # fmt: skip
                leaf = merkle.leaf_hash(data)
                chain = merkle.chain_hash(chain, leaf)
                rows.append((n, first_record + i, hashes[i], request.reference, now, leaf.hex(), chain.hex()))
                for level, position, node in builder.append(leaf):
                    tiles.setdefault((level, position // 256), []).append(node)
                if builder.size % CHECKPOINT_EVERY == 0 or builder.size == entries:
                    root = builder.root()
                    body = note.Checkpoint(origin=origin, tree_size=builder.size, root_hash=root).body
                    LogCheckpoint.objects.create(
                        tree_size=builder.size, root_hash=root.hex(),
                        note=note.sign_note(body, name=origin, private_key=key),
                        frontier=merkle.pack(builder.frontier), chain_hash=chain.hex(), created_at=now,
                    )  # fmt: skip
            cursor.executemany(
                'INSERT INTO disclosures_logentry ("index", record_id, record_sha256, kind, reference, logged_at,'
                " leaf_hash, chain_hash) VALUES (%s,%s,%s,'submission',%s,%s,%s,%s)",
                rows,
            )
            full = [k for k, v in tiles.items() if len(v) == 256]
            LogTile.objects.bulk_create(
                LogTile(level=lv, index=ix, hashes=merkle.pack(tiles.pop((lv, ix)))) for lv, ix in full
            )
    LogTile.objects.bulk_create(LogTile(level=lv, index=ix, hashes=merkle.pack(h)) for (lv, ix), h in tiles.items())
    return request.pk, event.pk, event


def median_ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, max {max(samples) * 1000:.2f} ms"


def time_proofs(entries: int, count: int) -> None:
    rng = random.Random(14)
    inclusion, consistency = [], []
    for _ in range(count):
        index = rng.randrange(entries)
        started = time.perf_counter()
        path = log_selectors.tile_reader().inclusion_proof(index, entries)
        inclusion.append(time.perf_counter() - started)
        first = rng.randrange(1, entries)
        started = time.perf_counter()
        log_selectors.consistency(first, entries)
        consistency.append(time.perf_counter() - started)
    print(f"inclusion proof at {entries:,} entries ({len(path)} hashes, {count} proofs): {median_ms(inclusion)}")
    print(f"consistency proof to {entries:,} entries ({count} proofs): {median_ms(consistency)}")


def _append(args) -> None:
    record_ids = args
    connections.close_all()
    # The bench runs the sequencer itself, synchronously, instead of the task that commit would schedule.
    log_service._schedule_integration = lambda: None
    for record in Record.objects.filter(pk__in=record_ids).order_by("pk"):
        for step in (lambda record=record: enqueue_log_entry(record=record), integrate_pending_entries):
            while True:  # SQLite refuses a second writer at once; the Celery task retries the same way
                try:
                    step()
                    break
                except OperationalError:
                    time.sleep(0.005)
    connections.close_all()


def time_appends(request_id: int, event: AuditEvent, count: int, workers: int, offset: int) -> None:
    now = timezone.now()
    jobs = RecordJob.objects.bulk_create(
        RecordJob(request_id=request_id, event=event, kind="submission", version_number=10**8 + offset + n,
                  variant="public", status="done", created_at=now, updated_at=now)
        for n in range(count)
    )  # fmt: skip
    records = Record.objects.bulk_create(
        Record(job=job, request_id=request_id, kind="submission", variant="public", title="r", file="",
               sha256=hashlib.sha256(f"append {offset} {n}".encode()).hexdigest(), size=1, page_count=1, signed_by="b")
        for n, job in enumerate(jobs)
    )  # fmt: skip
    ids = [r.pk for r in records]
    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_append, [ids[i::workers] for i in range(workers)])
    elapsed = time.perf_counter() - started
    print(
        f"appends with {workers} process(es), one checkpoint each: {count / elapsed:.0f} entries/s"
        f" ({count} in {elapsed:.1f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=400)
    parser.add_argument("--proofs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    request_id, _event_id, event = build(args.entries)
    print(f"built a log of {args.entries:,} entries in {time.perf_counter() - started:.0f} s")
    time_proofs(args.entries, args.proofs)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = check_log(files=False)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"verify_log over {result.size:,} entries and {result.checkpoints:,} checkpoints: {elapsed:.1f} s, "
          f"ok={result.ok}, peak RSS {peak // 1024} MiB (before: {before // 1024} MiB)")  # fmt: skip
    if not result.ok:
        print("\n".join(result.problems[:10]))
        return 1
    time_appends(request_id, event, args.appends, 1, 0)
    time_appends(request_id, event, args.appends, 2, args.appends)
    return 0


if __name__ == "__main__":
    sys.exit(main())
