"""The production run's definitions: Procfile (make serve), gunicorn's settings and compose.yaml."""

import shlex
import shutil
import subprocess

import pytest
import yaml

from tests.production import ROOT, run_python

PROCFILE = ROOT / "Procfile"
COMPOSE = ROOT / "compose.yaml"


def _procfile() -> dict[str, list[str]]:
    processes = {}
    for line in PROCFILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            words = shlex.split(command)
            # `exec`, so the process itself (not a shell around it) gets honcho's SIGTERM.
            assert words[0] == "exec", line
            processes[name.strip()] = words[1:]
    return processes


def _queues(command: list[str]) -> str:
    return command[command.index("-Q") + 1]


def test_the_procfile_runs_gunicorn_a_worker_per_queue_and_exactly_one_beat():
    processes = _procfile()
    assert processes["web"][:3] == ["gunicorn", "--config", "python:portal.gunicorn_conf"]
    workers = {name: command for name, command in processes.items() if command[3:4] == ["worker"]}
    assert sorted(_queues(command) for command in workers.values()) == ["celery", "pdf"]
    assert [name for name, command in processes.items() if "beat" in command] == ["beat"]


def test_serve_gives_workers_time_to_finish_or_hand_back_their_tasks(monkeypatch):
    import honcho.command
    import honcho.manager

    from portal import serve

    calls = []
    monkeypatch.setenv("WORKER_SHUTDOWN_TIMEOUT", "40")
    monkeypatch.delenv("SERVE_SHUTDOWN_GRACE", raising=False)
    monkeypatch.delenv("REMAP_SIGTERM", raising=False)
    monkeypatch.setattr(honcho.manager, "KILL_WAIT", honcho.manager.KILL_WAIT)
    monkeypatch.setattr(honcho.command, "main", calls.append)
    serve.main(["web"])
    assert honcho.manager.KILL_WAIT == 50  # honcho's own 5 s would kill a worker mid-render
    assert calls == [["start", "--procfile", str(PROCFILE), "--app-root", str(ROOT), "web"]]
    import os

    assert os.environ["REMAP_SIGTERM"] == "SIGQUIT"  # SIGTERM: Celery's soft shutdown, then re-queue


def test_gunicorn_takes_workers_and_threads_from_the_environment():
    script = "from portal import gunicorn_conf as c; print(c.workers, c.threads, c.bind, c.accesslog)"
    result = run_python("-c", script, env={"GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "8"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "8", "127.0.0.1:8000", "None"]
    bad = run_python("-c", script, env={"GUNICORN_WORKERS": "many"})
    assert bad.returncode != 0 and "GUNICORN_WORKERS='many' is not a whole number" in bad.stderr


def _docker_engine_answers() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    checks = ([docker, "compose", "version"], [docker, "info"])
    return all(subprocess.run(c, capture_output=True, timeout=30, check=False).returncode == 0 for c in checks)


def test_compose_file_is_valid_and_runs_the_same_processes():
    if _docker_engine_answers():
        result = subprocess.run(
            ["docker", "compose", "-f", str(COMPOSE), "config", "--format", "json"],
            capture_output=True, text=True, timeout=60, check=False,
            env={"PATH": "/usr/bin:/bin:/usr/local/bin", "SECRET_KEY": "compose-test"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        import json

        services = json.loads(result.stdout)["services"]
    else:  # only the docker client, or none: parse it (YAML anchors and merge keys included)
        services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "pdf", "beat"} <= set(services)
    procfile = _procfile()
    assert services["web"]["command"][:3] == procfile["web"][:3]
    assert _queues(services["worker"]["command"]) == "celery" and _queues(services["pdf"]["command"]) == "pdf"
    assert "beat" in services["beat"]["command"] and services["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "worker", "pdf", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://") and environment["REDIS_URL"].startswith("redis://")
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["pdf"]["environment"]["REMAP_SIGTERM"] == "SIGQUIT"


@pytest.mark.parametrize("target", ["serve"])
def test_make_serve_exists_and_starts_the_procfile(target):
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "-m portal.serve" in result.stdout


def _default_storage(env: dict[str, str]) -> dict:
    import json

    script = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(s.STORAGES))"
    result = run_python("-c", script, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["default"]


def test_local_files_stay_the_default_and_a_named_bucket_is_private_with_short_signed_urls():
    assert _default_storage({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = _default_storage({"STORAGE_S3_BUCKET": "records", "STORAGE_S3_ENDPOINT_URL": "https://minio.internal:9000"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert options["bucket_name"] == "records" and options["endpoint_url"] == "https://minio.internal:9000"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["querystring_expire"] == 60 and options["file_overwrite"] is False
    assert "access_key" not in options and "secret_key" not in options  # boto3's own chain, never settings


def test_each_gunicorn_worker_imports_its_views_and_leaves_them_out_of_the_collectors_walks():
    script = (
        "import gc, sys; from portal import gunicorn_conf as c; c.post_worker_init(None); "
        "print('disclosures.views.public.pages' in sys.modules, gc.get_freeze_count())"
    )
    result = run_python("-c", script, env={"DJANGO_SETTINGS_MODULE": "portal.settings"})
    assert result.returncode == 0, result.stderr
    imported, frozen = result.stdout.split()
    # Django, DRF and the portal's views: a full collection no longer walks them on some request.
    assert imported == "True"
    assert int(frozen) > 50_000
