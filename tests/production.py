"""Running the portal's own commands in production mode, in a child process with a clean environment."""

import os
import subprocess
import sys
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
