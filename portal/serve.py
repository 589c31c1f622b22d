"""`make serve`: start the Procfile's processes under honcho, with a shutdown grace that fits the workers.

`honcho start` kills what is still running 5 seconds after the first process stops. A PDF worker needs
longer to finish or hand back the render it holds, so this runs honcho with SERVE_SHUTDOWN_GRACE seconds
(the workers' soft-shutdown timeout plus a margin). Arguments are passed to `honcho start`
(`python -m portal.serve web pdf` starts only those two).
"""

import os
import sys
from pathlib import Path

import honcho.command
import honcho.manager

from portal.env import env_int

ROOT = Path(__file__).resolve().parent.parent


def shutdown_grace() -> int:
    return env_int("SERVE_SHUTDOWN_GRACE", env_int("WORKER_SHUTDOWN_TIMEOUT", 20, minimum=0) + 10, minimum=1)


def main(argv: list[str]) -> None:
    honcho.manager.KILL_WAIT = shutdown_grace()
    # Celery: SIGTERM starts a soft shutdown (finish within WORKER_SHUTDOWN_TIMEOUT, then give the
    # unfinished tasks back to the broker) instead of an unbounded warm shutdown.
    os.environ.setdefault("REMAP_SIGTERM", "SIGQUIT")
    honcho.command.main(["start", "--procfile", str(ROOT / "Procfile"), "--app-root", str(ROOT), *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
