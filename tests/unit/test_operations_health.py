"""/healthz and /readyz: JSON an orchestrator and an operator can act on, naming what fails."""

import pytest
from django.urls import reverse
from health_check.exceptions import ServiceUnavailable

from portal.operations import health, status
from tests.production import PRODUCTION_ENV


def test_healthz_answers_without_asking_any_dependency(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_readyz_reports_each_dependency_ok(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["status"] == "ok" and report["failing"] == []
    assert set(report["checks"]) == {"database", "cache", "migrations", "signing_keys", "font_subsetting"}
    assert all(check["ok"] for check in report["checks"].values())
    # Without a broker the tasks run in the web process: there is no broker or worker to check.
    assert report["tasks"] == "in-process"


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_failing_check_and_answers_503(client, monkeypatch):
    def no_fonts(self):
        raise ServiceUnavailable("libharfbuzz-subset0 missing")

    monkeypatch.setattr(health.FastFontSubsetting, "run", no_fonts)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "fail"
    assert report["failing"] == ["font_subsetting"]
    assert "libharfbuzz-subset0" in report["checks"]["font_subsetting"]["error"]
    assert report["checks"]["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_migrations_are_not_applied(client, monkeypatch):
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [("x", False)]
    )
    report = client.get(reverse("readyz")).json()
    assert report["failing"] == ["migrations"]
    assert report["checks"]["migrations"]["error"].endswith("1 migration(s) not applied")


@pytest.mark.django_db(transaction=True)
def test_with_a_broker_readyz_checks_it_and_shows_workers_without_failing_on_them(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(status, "live_workers", lambda timeout=None: [status.Worker("pdf@a", ["pdf"])])
    response = client.get(reverse("readyz"))
    report = response.json()
    assert response.status_code == 503
    assert report["failing"] == ["broker"]
    assert report["degraded"] == ["workers"]
    assert report["checks"]["workers"]["error"].endswith("no live worker for queue(s): celery")


def test_health_endpoints_are_reachable_over_plain_http_in_production():
    from tests.production import run_python

    script = "import django; django.setup(); from django.conf import settings as s; print(s.SECURE_REDIRECT_EXEMPT)"
    result = run_python("-c", script, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "'^healthz$'" in result.stdout and "'^readyz$'" in result.stdout
