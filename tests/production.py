"""Running the portal's own commands in production mode, in a child process with a clean environment."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "q7Z!vK2p#Lw9xR4t@Hn6bM1s$Yd8fG3j%Ue5cA0k^Tz7rP2oWi",
    "ALLOWED_HOSTS": "portal.example.jp",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x",
    "RECORD_SIGNING_PKCS12": "/etc/portal/records-signing.p12",
    "LOG_SIGNING_KEY": "/etc/portal/log-signing.pem",
    "PORTAL_BASE_URL": "https://portal.example.jp",
}


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python *args` in the project folder with `env` over the environment (no settings module leaks in)."""
    leaking = ("DJANGO_SETTINGS_MODULE", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in leaking}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_in_production(*args: str) -> subprocess.CompletedProcess:
    return run_python(*args, env=PRODUCTION_ENV)


def worker_environment(**overrides: str) -> dict[str, str]:
    """The environment of a served process that shares this test run's database, broker, files and mail folder."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER'] or 'postgres'}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "PORTAL_INTEGRATION": "1",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": settings.MAILERS["default"]["BACKEND"],
        "EMAIL_FILE_PATH": settings.MAILERS["default"].get("OPTIONS", {}).get("file_path", ""),
        "DATA_DIR": str(settings.DATA_DIR),
        **overrides,
    }


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2):
    """Poll until `predicate()` is truthy; return its value or fail with a clear message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str) -> tuple[int, dict] | None:
    """(status, JSON body) of a GET to one of our own local servers, or None while it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own http://127.0.0.1 URL
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None
