"""No record is lost or made twice when a worker dies mid-render or the broker is away.

Each test runs its own Redis (a `redis-server` on a free port) as the broker, so it can stop it and
leaves nothing behind in the shared one; the cache stays on REDIS_URL.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import redis
from django.urls import reverse
from pypdf import PdfReader

from disclosures.models import DisclosureRequest, LogEntry, Record, RecordJob, Variant
from disclosures.records.logcheck import check_log
from disclosures.services.records import sweep_record_jobs
from disclosures.services.requests import issue_request
from disclosures.states import State
from portal.accounts.models import Role
from portal.celery import app as celery_app
from tests.answers_data import give_complete_draft
from tests.factories import DisclosureRequestFactory, member
from tests.integration.conftest import start_worker, stop_worker, task_succeeded, wait_for, worker_environment

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Small enough that a killed worker's job is taken over within seconds, large enough for a first render.
STALE = {"RECORD_JOB_STALE_SECONDS": "1", "RECORD_RENDER_SOFT_TIME_LIMIT": "10", "RECORD_RENDER_TIME_LIMIT": "12"}


class PrivateRedis:
    """A throwaway `redis-server` that a test may stop and start."""

    def __init__(self, log_path: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, interval=0.05)

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def point_celery_at(url: str) -> None:
    """Send this process's tasks (and worker pings) to `url`.

    The pools are only forgotten, not closed: kombu keeps one pool per broker URL for the process, and
    the next test that uses the shared broker gets its pool back.
    """
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, tmp_path):
    """A private Redis as the broker of this process and of the workers the test starts (not yet running)."""
    private = PrivateRedis(tmp_path / "redis.log")
    previous = celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = private.url
    point_celery_at(private.url)
    yield private
    point_celery_at(previous)
    private.stop()


@pytest.fixture
def workers(tmp_path):
    """Start workers by name; whatever is still running at the end is stopped."""
    started: list[subprocess.Popen] = []

    def start(name: str, **environment: str) -> subprocess.Popen:
        process = start_worker(f"{name}-{os.getpid()}", worker_environment(**environment), tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            stop_worker(process)


def children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def is_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool processes, as a machine losing power would: nothing is acknowledged."""
    pool = children_of(process.pid)
    assert pool, "the worker has no pool process"
    process.send_signal(signal.SIGKILL)  # the parent first, so it cannot hand the message back
    for pid in pool:
        os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)
    wait_for(lambda: all(is_gone(pid) for pid in pool), timeout=10)


def pdf_text(record: Record) -> str:
    with record.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == record.sha256
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return "".join(text.split())  # table cells wrap anywhere: compare without white space


def test_a_worker_killed_in_the_middle_of_a_render_leaves_exactly_one_record_after_the_sweeper_runs(
    broker, workers, mail_dir, settings, tmp_path
):
    broker.start()
    request = DisclosureRequestFactory(state=State.DRAFT)
    official = member(Role.OFFICIAL, request.ministry)
    slow = workers(
        "slow",
        DJANGO_SETTINGS_MODULE="tests.integration.slow_worker_settings",
        RECORD_RENDER_TEST_DELAY="600",
    )

    issue_request(request=request, by=official)
    job = RecordJob.objects.get(request=request)
    wait_for(lambda: RecordJob.objects.filter(pk=job.pk, status=RecordJob.Status.RUNNING).exists())
    kill_worker(slow)

    job.refresh_from_db()
    assert job.status == RecordJob.Status.RUNNING
    assert job.attempts == 1
    assert not Record.objects.filter(job=job).exists()

    for name, value in STALE.items():
        setattr(settings, name, int(value))
    workers("fresh", **STALE)
    # What beat does every few minutes: re-queue what a dead worker left running once its claim is stale.
    wait_for(sweep_record_jobs, timeout=30, interval=0.5)
    wait_for(lambda: RecordJob.objects.filter(pk=job.pk, status=RecordJob.Status.DONE).exists())

    # The lost message may still come back one day; a duplicate of it finds the work done.
    duplicate = celery_app.send_task("disclosures.render_record", args=[job.pk], queue="pdf")
    wait_for(lambda: task_succeeded(tmp_path / "fresh.log", duplicate.id))

    job.refresh_from_db()
    assert job.attempts == 2
    record = Record.objects.get(job=job)
    assert Record.objects.filter(request=request).count() == 1
    assert LogEntry.objects.filter(record_sha256=record.sha256).count() == 1
    assert LogEntry.objects.get(record=record).index == LogEntry.objects.count() - 1
    assert request.reference in pdf_text(record)
    assert check_log().ok


def test_a_submission_made_while_the_broker_is_down_is_kept_and_its_records_appear_once_it_is_back(
    broker, workers, mail_dir, client, login, settings
):
    request = DisclosureRequestFactory(state=State.ISSUED)
    submitter = member(Role.SUBMITTER, request.developer)
    give_complete_draft(request)
    login(client, submitter)
    assert not broker.answers()

    response = client.post(reverse("developer:answers_submit", args=[request.public_id]), {"confirm": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("developer:request_detail", args=[request.public_id])
    assert DisclosureRequest.objects.get(pk=request.pk).state == State.SUBMITTED
    jobs = RecordJob.objects.filter(request=request)
    assert sorted(jobs.values_list("variant", flat=True)) == [Variant.COMPLETE, Variant.PUBLIC]
    assert set(jobs.values_list("status", flat=True)) == {RecordJob.Status.PENDING}

    broker.start()
    for name, value in STALE.items():
        setattr(settings, name, int(value))
    workers("recovered", **STALE)
    assert wait_for(sweep_record_jobs, timeout=30, interval=0.5) == 2
    wait_for(lambda: set(jobs.values_list("status", flat=True)) == {RecordJob.Status.DONE})

    public = Record.objects.get(request=request, variant=Variant.PUBLIC)
    complete = Record.objects.get(request=request, variant=Variant.COMPLETE)
    assert Record.objects.filter(request=request).count() == 2
    assert request.reference in pdf_text(public)
    assert "Studioarchive" in pdf_text(complete)  # a trade-secret source: in the complete PDF only
    assert "Studioarchive" not in pdf_text(public)
    assert LogEntry.objects.get(record=public).record_sha256 == public.sha256
    assert not LogEntry.objects.filter(record=complete).exists()
    assert DisclosureRequest.objects.get(pk=request.pk).state == State.SUBMITTED
