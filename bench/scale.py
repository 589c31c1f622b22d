"""Server time and query count of every public page and API list at scale, uncached (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/scale.py
    ... bench/scale.py --runs 15 --only sources        # more runs, only targets whose name contains "sources"
    ... bench/scale.py --explain "companies"           # EXPLAIN ANALYZE of each query of the matching targets

Load the data first (`bench/generate.py`). Each target is requested once to warm up, then `--runs` times
(default 7) through Django's test client with the page cache emptied before each call, so every figure is
the uncached server time (middleware, queries, rendering; no network). Printed per target: median, p95
(nearest rank), min and max in ms, and the number of queries. Throttling is lifted for the run.
"""

import argparse
import base64
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
for name in ("PUBLIC_PAGE_REQUESTS_PER_MINUTE", "API_ANON_REQUESTS_PER_MINUTE", "EXPORT_REQUESTS_PER_MINUTE"):
    os.environ[name] = "100000000"
os.environ.pop("REDIS_URL", None)  # a local cache, emptied before each call: never another run's Redis
os.environ.setdefault("LOG_LEVEL", "WARNING")

LIMIT_MS = 100


def cursor(position: str) -> str:
    """A DRF cursor that starts after `position`: what a client holds after following `next` thousands of times."""
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def targets() -> list[tuple[str, str]]:
    from django.urls import reverse

    from disclosures.models import DeclaredSource, DisclosureRequest, Publication
    from disclosures.selectors.public import public_developers

    developer = public_developers().order_by("slug").first()
    published = Publication.objects.filter(request__response_versions__isnull=False).order_by("-pk").first()
    oldest = DisclosureRequest.objects.filter(issued_at__isnull=False).order_by("issued_at").first()
    low_source = DeclaredSource.objects.order_by("pk").values_list("pk", flat=True)[500]
    index = reverse("public:index")
    api_requests = reverse("api:public-request-list")
    api_sources = reverse("api:public-source-list")
    sources = reverse("public:sources")
    result = [
        ("index", index),
        ("index page 200", f"{index}?page=200"),
        ("index filter developer", f"{index}?developer={developer.slug}"),
        ("index filter state", f"{index}?state=accepted"),
        ("index filter overdue", f"{index}?overdue=true"),
        ("index filter issued range", f"{index}?issued_from=2026-01-01&issued_to=2026-03-31"),
        *(
            (f"index sort {s}", f"{index}?sort={s}")
            for s in ("issued", "deadline", "-deadline", "reference", "developer", "ministry", "model", "state")
        ),
        ("index sort days_open", f"{index}?sort=days_open"),
        ("index sort -days_open", f"{index}?sort=-days_open"),
        ("index search English", f"{index}?q=training"),
        ("index search Japanese", f"{index}?q=学習データ"),
        ("index search Japanese mid-sentence", f"{index}?q=講談社"),
        ("index search reading", f"{index}?q=こうだんしゃ"),
        ("index search half-width kana", f"{index}?q=ｺｳﾀﾞﾝｼｬ"),
        ("index search answer word (Japanese)", f"{index}?q=字幕"),
        ("index search answer word (English)", f"{index}?q=subtitles"),
        ("index search developer fragment", f"{index}?q=Kumo"),
        ("index search reference fragment", f"{index}?q=2026-00123"),
        ("index search sorted by deadline", f"{index}?q=講談社&sort=deadline"),
        ("index search and developer filter", f"{index}?q=講談社&developer={developer.slug}"),
        ("request page", reverse("public:request_detail", args=[published.request.reference])),
        ("companies", reverse("public:companies")),
        ("companies sort -no_answer", reverse("public:companies") + "?sort=-no_answer"),
        ("company page", reverse("public:company_detail", args=[developer.slug])),
        ("statistics", reverse("public:statistics")),
        ("sources name (English)", f"{sources}?q=Anime+frames"),
        ("sources name (Japanese)", f"{sources}?q=原画"),
        ("sources rights holder", f"{sources}?q=講談社"),
        ("sources rights holder reading", f"{sources}?q=こうだんしゃ"),
        ("sources two characters", f"{sources}?q=巨人"),
        ("sources domain", f"{sources}?q=comic.example.jp"),
        ("sources rare", f"{sources}?q=vol.37"),
        ("open data page", reverse("public:open_data")),
        ("api requests", api_requests),
        ("api requests sort deadline", f"{api_requests}?sort=deadline"),
        ("api requests deep cursor", f"{api_requests}?cursor={cursor(oldest.issued_at.isoformat())}"),
        ("api requests filter developer", f"{api_requests}?developer={developer.slug}"),
        ("api sources", api_sources),
        ("api sources deep cursor", f"{api_sources}?cursor={cursor(str(low_source))}"),
        ("api sources q", f"{api_sources}?q=講談社"),
        ("api companies", reverse("api:public-company-list")),
    ]
    return result


def measure(client, url: str, runs: int) -> dict:
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    response = client.get(url)  # warm-up (and the status)
    captured: list[dict] = []

    def count(execute, sql, params, many, context):
        captured.append({"sql": sql, "params": params})
        return execute(sql, params, many, context)

    cache.clear()
    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "status": response.status_code,
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))],
        "min": times[0],
        "max": times[-1],
        "queries": len(captured),
        "captured": captured,
    }


def explain(captured: list[dict]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, query["params"])
            print("\n".join(row[0] for row in cursor.fetchall()))
            print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="", help="measure only targets whose name contains this")
    parser.add_argument("--explain", default="", help="print EXPLAIN ANALYZE of the targets whose name contains this")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from portal.wsgi import freeze_loaded_objects

    freeze_loaded_objects()  # as each gunicorn worker does after start-up

    from disclosures.models import DeclaredSource, DisclosureRequest
    from portal.accounts.models import Organisation

    if connection.vendor != "postgresql":
        print("bench/scale.py needs DATABASE_URL of a PostgreSQL database loaded by bench/generate.py; skipped.")
        return 0
    print(
        f"data: {DisclosureRequest.objects.count():,} requests, {DeclaredSource.objects.count():,} declared sources, "
        f"{Organisation.objects.filter(kind='developer').count()} developers; {args.runs} runs each, uncached"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    print(f"{'target':38} {'status':>6} {'median':>8} {'p95':>8} {'min':>8} {'max':>8} {'queries':>7}")
    slow = 0
    for name, url in targets():
        if args.only and args.only not in name:
            continue
        r = measure(client, url, args.runs)
        flag = " <-- over 100 ms" if r["p95"] >= LIMIT_MS else ""
        slow += bool(flag)
        print(
            f"{name:38} {r['status']:>6} {r['median']:>8.1f} {r['p95']:>8.1f} {r['min']:>8.1f} {r['max']:>8.1f} "
            f"{r['queries']:>7}{flag}",
            flush=True,
        )
        if args.explain and args.explain in name:
            explain(r["captured"])
    print(f"{slow} target(s) with p95 over {LIMIT_MS} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
