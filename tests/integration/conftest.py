"""Integration fixtures: the test database on PostgreSQL and a real Celery worker process on Redis.

Run through `make test-integration`, which sets PORTAL_INTEGRATION=1, DATABASE_URL and REDIS_URL.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.celery import app as celery_app

# Shared with the browser tests' production run; the integration tests import them from here.
from tests.production import ROOT as ROOT
from tests.production import wait_for as wait_for
from tests.production import worker_environment as worker_environment


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "integration" in item.keywords and os.environ.get("PORTAL_INTEGRATION") != "1":
            item.add_marker(pytest.mark.usefixtures("_require_integration_environment"))


@pytest.fixture(scope="session")
def _require_integration_environment():
    # Fail loudly rather than skip: an integration test run without its services proves nothing.
    raise RuntimeError(
        "Integration tests need PORTAL_INTEGRATION=1, DATABASE_URL and REDIS_URL: run make test-integration."
    )


def start_worker(name: str, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start `celery worker` and wait until it answers a ping."""
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "portal", "worker",
            "-Q", "celery,pdf", "--concurrency=1", "--pool=prefork", "-n", f"{name}@%h",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The worker exited early; see {log_path}:\n{log_path.read_text()[-3000:]}")
        try:
            replies = celery_app.control.ping(timeout=0.5) or []
        except BaseException:
            process.kill()  # nobody else holds the process yet: do not leave it running
            raise
        if any(name in host for reply in replies for host in reply):
            return process
    process.kill()
    raise RuntimeError(f"The worker did not answer within 60 s; see {log_path}")


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def mail_dir(tmp_path, settings):
    path = tmp_path / "mail"
    path.mkdir()
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": str(path)}}
    }
    return path


@pytest.fixture
def celery_worker_process(transactional_db, mail_dir, tmp_path):
    """A real worker on the test database and Redis, with mail written to `mail_dir`."""
    celery_app.control.purge()
    process = start_worker(f"test-{os.getpid()}", worker_environment(), tmp_path / "worker.log")
    yield process
    stop_worker(process)


def task_succeeded(log_path: Path, task_id: str) -> bool:
    """Whether a worker's JSON log (portal.logging writes one line per task) says the task succeeded."""
    for line in log_path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("task_id") == task_id and entry.get("state") == "SUCCESS":
            return True
    return False
