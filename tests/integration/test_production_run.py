"""`make serve`'s process set (portal.serve: honcho and the Procfile) against PostgreSQL and Redis:
gunicorn answers /healthz and /readyz, the workers of both queues are live, logs are JSON lines, and
SIGTERM stops every process cleanly."""

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.production import ROOT, free_port, get_json, wait_for, worker_environment

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_production_run_serves_reports_ready_and_shuts_down_gracefully(tmp_path):
    port = free_port()
    env = worker_environment(
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_THREADS="2",
        CELERY_WORKER_CONCURRENCY="1", PDF_WORKER_CONCURRENCY="1", WORKER_SHUTDOWN_TIMEOUT="2",
        DATA_DIR=str(tmp_path), PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
    )  # fmt: skip
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.serve"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: get_json(base + "/healthz"), timeout=60) == (200, {"status": "ok"})

        def ready():
            answer = get_json(base + "/readyz")
            return answer if answer and answer[1]["status"] == "ok" else None

        status, report = wait_for(ready, timeout=60, interval=0.5)
        assert status == 200 and report["tasks"] == "broker"
        assert {"broker", "workers"} <= set(report["checks"]) and report["checks"]["workers"]["ok"]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    output = log.read_text()
    assert returncode == 143, output[-3000:]  # honcho's answer to SIGTERM
    for name in ("web", "worker", "pdf", "beat"):
        assert f"{name}.1 stopped (rc=0)" in output, output[-3000:]
    assert "SIGKILL" not in output
    request_lines = [line for line in output.splitlines() if '"event": "request"' in line]
    assert request_lines and json.loads(request_lines[0].split("| ", 1)[1])["path"] in ("/healthz", "/readyz")
