"""/healthz (the process answers) and /readyz (its dependencies), as JSON naming each check.

The checks are django-health-check's where it has one (database, cache, Redis for the broker, Celery
ping); the portal's own (migrations applied, signing keys, fast font subsetting, workers per queue)
follow its `HealthCheck` interface. Workers are reported on /readyz but do not fail it: a web process
serves pages while the PDF workers are away, and the sweeper catches up when they return.
"""

import asyncio
import dataclasses
import datetime

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient

from portal.operations import status


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    alias: str = "default"

    def run(self):
        connection = connections[self.alias]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied")


@dataclasses.dataclass
class SigningKeys(HealthCheck):
    """The records' PKCS#12 key and the log's Ed25519 key load (a development key is made on first use)."""

    def run(self):
        from disclosures.records.note import log_signing_key
        from disclosures.records.signing import signing_key

        # A key can fail to load in many ways (missing file, wrong password, bad PEM, unset setting); the
        # readiness probe must name the failing key in every case rather than answer 500.
        try:
            signing_key()
        except Exception as error:
            raise ServiceUnavailable(f"records signing key: {type(error).__name__}") from error
        try:
            log_signing_key()
        except Exception as error:
            raise ServiceUnavailable(f"log signing key: {type(error).__name__}") from error


@dataclasses.dataclass
class FastFontSubsetting(HealthCheck):
    def run(self):
        from disclosures.records.render import fast_subsetting_available

        if not fast_subsetting_available():
            raise ServiceUnavailable("libharfbuzz-subset0 (HarfBuzz >= 4.1) missing: records render ~30x slower")


@dataclasses.dataclass
class Workers(HealthCheck):
    """At least one live worker for each queue, by Celery's inspect broadcast."""

    timeout: datetime.timedelta = dataclasses.field(
        default_factory=lambda: datetime.timedelta(milliseconds=settings.WORKER_PING_TIMEOUT_MS), repr=False
    )

    def run(self):
        try:
            workers = status.live_workers(self.timeout.total_seconds())
        except OSError as error:
            raise ServiceUnavailable("broker unreachable") from error
        served = {queue for worker in workers for queue in worker.queues}
        missing = [queue for queue in status.QUEUES if queue not in served]
        if missing:
            raise ServiceUnavailable(f"no live worker for queue(s): {', '.join(missing)}")


def readiness_checks() -> dict[str, HealthCheck]:
    checks: dict[str, HealthCheck] = {
        "database": Database(),
        "cache": Cache(),
        "migrations": MigrationsApplied(),
        "signing_keys": SigningKeys(),
        "font_subsetting": FastFontSubsetting(),
    }
    if status.broker_configured():
        broker_url = settings.CELERY_BROKER_URL
        checks["broker"] = Redis(client_factory=lambda: RedisClient.from_url(broker_url, socket_timeout=2))
    return checks


# Reported, never failing the readiness of a web process.
ADVISORY = {"workers"}


async def _run(checks: dict[str, HealthCheck]) -> dict[str, dict]:
    results = await asyncio.gather(*(check.get_result() for check in checks.values()))
    return {
        name: {"ok": result.error is None, "ms": round(result.time_taken * 1000, 1)}
        | ({"error": str(result.error)} if result.error else {})
        for name, result in zip(checks, results, strict=True)
    }


def run_readiness() -> dict:
    checks = readiness_checks()
    if status.broker_configured():
        checks["workers"] = Workers()
    results = asyncio.run(_run(checks))
    failing = [name for name, result in results.items() if not result["ok"] and name not in ADVISORY]
    degraded = [name for name, result in results.items() if not result["ok"] and name in ADVISORY]
    return {
        "status": "fail" if failing else "degraded" if degraded else "ok",
        "failing": failing,
        "degraded": degraded,
        "checks": results,
        "tasks": "broker" if status.broker_configured() else "in-process",
    }


@never_cache
def healthz(request):
    """The process is up and serving; no dependency is asked (a liveness probe)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Ready for traffic: 200 when every dependency answers, 503 naming the failing checks otherwise."""
    report = run_readiness()
    return JsonResponse(report, status=503 if report["failing"] else 200)
