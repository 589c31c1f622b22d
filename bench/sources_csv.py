"""The declared-sources CSV at scale: rows a second and peak memory of the process (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/sources_csv.py --runs 3

Each run is a fresh process that streams `/open-data/sources.csv` through Django's test client to the
end (every public source of the data `bench/generate.py` loaded), counting rows and bytes; it prints the
rows, the seconds, rows a second and the process's peak resident memory (ru_maxrss). Targets: at least
50,000 rows a second, peak RSS under 150 MB.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["EXPORT_REQUESTS_PER_MINUTE"] = "100000000"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    if connection.vendor != "postgresql":
        print(json.dumps({"skipped": True}))
        return
    # The URLconf imports every view (PDF rendering and signing load their libraries only when used):
    # load it and render one page before the baseline, as a serving process has, so the difference is
    # what the export itself holds.
    url = reverse("public:sources_csv")
    client = Client()
    client.get(reverse("public:open_data"))
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(url)
    lines = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"rows": lines - 1, "seconds": seconds, "bytes": size, "peak_mib": peak_kib / 1024}
    print(json.dumps({**result, "baseline_mib": baseline_kib / 1024}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one_run()
        return 0
    results = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child"], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        if result.get("skipped"):
            print("bench/sources_csv.py needs DATABASE_URL of a PostgreSQL database loaded by bench/generate.py.")
            return 0
        results.append(result)
        print(
            f"{result['rows']:,} rows, {result['bytes'] / 1e6:.0f} MB in {result['seconds']:.1f} s: "
            f"{result['rows'] / result['seconds']:,.0f} rows/s, peak RSS {result['peak_mib']:.0f} MiB "
            f"(before the export: {result['baseline_mib']:.0f} MiB)",
            flush=True,
        )
    rates = [r["rows"] / r["seconds"] for r in results]
    peaks = [r["peak_mib"] for r in results]
    print(
        f"median {statistics.median(rates):,.0f} rows/s (min {min(rates):,.0f}, max {max(rates):,.0f}); "
        f"peak RSS median {statistics.median(peaks):.0f} MiB (max {max(peaks):.0f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
