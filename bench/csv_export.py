"""Peak memory of the streamed requests CSV: 10,000 rows against 100,000.

Run: .venv/bin/python bench/csv_export.py [--small 10000 --large 100000]
Uses a throw-away SQLite database in a temporary directory. The export streams rows read with
`.iterator()`, so the peak (tracemalloc, Python allocations) should barely grow with the row count;
the printed ratio large/small is the figure to watch (close to 1, far below 10).
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="bench-csv-")
os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory, which is not what we measure

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from disclosures.models import DisclosureRequest  # noqa: E402
from disclosures.views.public.exports import requests_csv  # noqa: E402
from portal.accounts.models import Membership, Organisation, Role, User  # noqa: E402


def populate(total: int) -> None:
    existing = DisclosureRequest.objects.count()
    if existing >= total:
        return
    ministry, _ = Organisation.objects.get_or_create(
        slug="bench-ministry", defaults={"kind": "ministry", "name_ja": "ベンチ省", "name_en": "Bench Ministry"}
    )
    developers = [
        Organisation.objects.get_or_create(
            slug=f"bench-dev-{i}", defaults={"kind": "developer", "name_ja": f"開発{i}", "name_en": f"Dev {i}"}
        )[0]
        for i in range(20)
    ]
    official, created = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.jp"})
    if created:
        Membership.objects.create(user=official, organisation=ministry, role=Role.OFFICIAL)
    now = timezone.now()
    batch = []
    for n in range(existing, total):
        batch.append(
            DisclosureRequest(
                reference=f"AIPA16-2026-{n:06d}",
                ministry=ministry,
                developer=developers[n % 20],
                drafted_by=official,
                model_name=f"Model {n % 50}",
                covering_letter="技術的な説明を求めます。" * 5,
                deadline=(now + timedelta(days=n % 40 - 10)).date(),
                state=["issued", "acknowledged", "submitted", "accepted", "declined"][n % 5],
                issued_at=now - timedelta(days=n % 300),
            )
        )
        if len(batch) == 5000:
            DisclosureRequest.objects.bulk_create(batch)
            batch = []
    DisclosureRequest.objects.bulk_create(batch)


def measure(rows: int) -> tuple[int, int, float]:
    populate(rows)
    # Export exactly `rows` rows: the newest ones by issue date.
    request = RequestFactory().get("/open-data/requests.csv")
    tracemalloc.start()
    started = time.perf_counter()
    response = requests_csv(request)
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    populate(args.small)
    measure(args.small)  # warm-up: first-use imports and caches are not what we measure
    small_peak, small_size, small_time = measure(args.small)
    large_peak, large_size, large_time = measure(args.large)
    print(
        f"{args.small:>7} rows: peak {small_peak / 1024:8.0f} KiB, {small_size / 1e6:6.1f} MB CSV, {small_time:5.1f} s"
    )
    print(
        f"{args.large:>7} rows: peak {large_peak / 1024:8.0f} KiB, {large_size / 1e6:6.1f} MB CSV, {large_time:5.1f} s"
    )
    print(f"peak memory ratio large/small: {large_peak / small_peak:.2f} (rows ratio {args.large / args.small:.0f})")


if __name__ == "__main__":
    main()
