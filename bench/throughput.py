"""Requests a second of the cached public index under gunicorn, against a bare Django view (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/throughput.py
    ... bench/throughput.py --runs 5 --duration 10 --connections 32 --redis redis://127.0.0.1:6379/8

Starts gunicorn with the portal's `portal/gunicorn_conf.py` (its workers and threads) and the portal's
settings with one addition, `bench/throughput_settings.py`: a URLconf with `/bench/bare/`, a view that
returns "ok", so every middleware still runs around it. The cache is Redis (`--redis`, emptied first), as
in production; DEBUG is off. The index page is requested once to fill its cache entry, then `wrk` (Debian's
package) loads each URL in turn for `--duration` seconds, `--runs` times, and the median requests a
second of each and their ratio are printed (target: the cached index at least 40 % of the bare view).

Each request comes from one of 10,000 client addresses (`X-Forwarded-For`, with `NUM_PROXIES=1`), as
many visitors do: the public pages' throttle then keeps a short history per address and refuses none,
where one address would be throttled after 120 requests. Any response other than 200 is reported.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.40
ADDRESSES = 10_000

# wrk: a different client address per request (wrk counts the answers that are not 2xx or 3xx itself).
LUA = f"""
math.randomseed(os.time())
request = function()
  local n = math.random(0, {ADDRESSES - 1})
  local b, c, d = math.floor(n / 65536), math.floor(n / 256) % 256, n % 256
  wrk.headers["X-Forwarded-For"] = "10." .. b .. "." .. c .. "." .. d
  return wrk.format(nil)
end
"""


def wrk(url: str, *, duration: int, connections: int, script: str) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    problems = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, (f"{problems.group(1)} answers not 2xx/3xx" if problems else "")


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited; run it by hand to see why.")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http://127.0.0.1 only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8", help="the cache (emptied first)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench/throughput.py needs wrk (apt-get install wrk); skipped.")
        return 0
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/throughput.py needs DATABASE_URL of a PostgreSQL database loaded by bench/generate.py; skipped.")
        return 0
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.throughput_settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "REDIS_URL": args.redis,
        "NUM_PROXIES": "1",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        # A worker restarting after GUNICORN_MAX_REQUESTS in the middle of a run would be measured too.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    base = f"http://127.0.0.1:{args.port}"
    urls = {"bare view": f"{base}/bench/bare/", "cached index": f"{base}/requests/"}
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "portal/gunicorn_conf.py"),
        "portal.wsgi:application",
    ]
    server = subprocess.Popen(
        gunicorn, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        wait_until_up(urls["bare view"], server)
        wait_until_up(urls["cached index"], server)  # builds the index page once: the cache is warm
        for url in urls.values():  # every worker imports its views and templates before the runs
            wrk(url, duration=2, connections=args.connections, script=script.name)
        rates: dict[str, list[float]] = {name: [] for name in urls}
        print(f"{args.runs} runs of {args.duration} s, {args.connections} connections, load {os.getloadavg()[0]:.1f}")
        for run in range(args.runs):
            for name, url in urls.items():  # alternated, so a busy moment of the machine hits both
                rate, problems = wrk(url, duration=args.duration, connections=args.connections, script=script.name)
                rates[name].append(rate)
                print(f"run {run + 1}: {name:13} {rate:8.0f} requests/s {problems}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        Path(script.name).unlink(missing_ok=True)
    bare, cached = (statistics.median(rates[name]) for name in urls)
    ratio = cached / bare
    print(
        f"median: bare view {bare:.0f} requests/s, cached index {cached:.0f} requests/s: {ratio:.0%} "
        f"(target {TARGET:.0%}{'' if ratio >= TARGET else ', NOT met'}); load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
