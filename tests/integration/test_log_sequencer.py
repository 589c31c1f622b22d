"""The log's sequencer on PostgreSQL: concurrent integration steps never fork the tree, and a step killed
mid-transaction leaves no gap and no duplicate index."""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from disclosures.models import LogCheckpoint, LogEntry, PendingLogEntry, Record, RecordJob
from disclosures.records.logcheck import check_log
from disclosures.services.audit import record_event
from disclosures.services.log import enqueue_log_entry, integrate_pending_entries
from disclosures.states import State
from tests.factories import DisclosureRequestFactory
from tests.integration.conftest import ROOT, worker_environment

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def public_records(count: int) -> list[Record]:
    request = DisclosureRequestFactory(state=State.ISSUED)
    records = []
    for n in range(count):
        data = f"record {request.pk} {n}".encode()
        event = record_event(action="accept", actor=None, request=request)
        job = RecordJob.objects.create(request=request, event=event, kind="decision", variant="public")
        records.append(
            Record.objects.create(
                job=job, request=request, kind="decision", variant="public", title=f"r{n}",
                file=ContentFile(data, name="r.pdf"), sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                page_count=1, signed_by="t",
            )
        )  # fmt: skip
    return records


def test_two_sequencers_integrating_at_once_never_fork_the_tree(settings):
    assert connection.vendor == "postgresql"
    settings.LOG_BATCH_SIZE = 7
    records = public_records(120)
    start = threading.Barrier(2)
    errors = []

    def sequence():
        from django.db import connections

        start.wait()
        try:
            for record in records[threading.current_thread().offset :: 2]:
                enqueue_log_entry(record=record)  # autocommit: each is its own transaction
                integrate_pending_entries()
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = []
    for offset in (0, 1):
        thread = threading.Thread(target=sequence)
        thread.offset = offset
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    integrate_pending_entries()
    assert not errors
    assert sorted(LogEntry.objects.values_list("index", flat=True)) == list(range(120))
    sizes = list(LogCheckpoint.objects.order_by("id").values_list("tree_size", flat=True))
    assert sizes == sorted(sizes) and sizes[-1] == 120
    assert check_log(files=False).ok


KILLED_STEP = """
import time, django
django.setup()
from disclosures.records import note
def stall(*args, **kwargs):
    print("signing", flush=True)
    time.sleep(60)
note.sign_note = stall
from disclosures.services.log import integrate_pending_entries
integrate_pending_entries()
"""


def test_a_sequencer_killed_in_the_middle_of_a_batch_leaves_no_gap_and_no_duplicate():
    first, *rest = public_records(6)
    enqueue_log_entry(record=first)
    integrate_pending_entries()
    for record in rest:
        enqueue_log_entry(record=record)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_STEP], cwd=ROOT, env=worker_environment(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "signing"  # entries and tiles written, not yet committed
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    time.sleep(0.5)
    assert LogEntry.objects.count() == 1 and PendingLogEntry.objects.count() == 5
    assert integrate_pending_entries() == 5
    assert list(LogEntry.objects.order_by("index").values_list("index", flat=True)) == list(range(6))
    assert check_log(files=False).ok
