"""Time to import a spreadsheet of sources into a draft: reading, validating every row and saving, all or nothing.

Run: .venv/bin/python bench/import_rows.py [--rows 5000] [--runs 5] [--formats xlsx,csv]
Each format is imported --runs times (each into a fresh draft, after one warm-up import) through
`disclosures.spreadsheets.import_sheet`, the function behind the import button; it prints the file size
and the median, minimum and maximum. A second figure times a file whose last row is bad (everything is
read and validated, nothing saved).
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA_DIR = tempfile.mkdtemp(prefix="bench-import-rows-")
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.test_settings"
os.environ["DATA_DIR"] = DATA_DIR
os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR}/bench.sqlite3"
os.environ.pop("PORTAL_INTEGRATION", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402

from disclosures import spreadsheets  # noqa: E402
from disclosures.services.responses import draft_for  # noqa: E402
from disclosures.states import State  # noqa: E402
from portal.accounts.models import Role  # noqa: E402
from tests.factories import DisclosureRequestFactory, member  # noqa: E402


def rows(count: int) -> list[dict]:
    kinds = ["web_crawl", "licensed", "public_dataset", "user_content"]
    return [
        {
            "name": f"データセット {number}",
            "kind": kinds[number % len(kinds)],
            "modality": "text",
            "size": number * 1.5,
            "size_unit": "gb",
            "collection_start": "2023-04-01",
            "collection_end": "2024-03-31",
            "top_domains": [f"site{number}.example.jp", "news.example.com"],
            "languages": ["ja", "en"],
            "consent_basis": "opt_out_honoured",
            "reservations_honoured": ["robots_txt", "tdmrep"],
            "rights_holders": [f"権利者 {number}"],
            "tier": "public",
            "reason": "",
        }
        for number in range(count)
    ]


def import_once(content: bytes, name: str) -> float:
    request = DisclosureRequestFactory(state=State.ISSUED, sections=["sources"])
    responder = member(Role.RESPONDER, request.developer)
    revision = draft_for(request).revision
    start = time.perf_counter()
    with contextlib.suppress(spreadsheets.SheetInvalid):  # the bad file: read and checked, nothing saved
        spreadsheets.import_sheet(
            request=request, by=responder, section="sources", name=name, data=content, revision=revision
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default="xlsx,csv")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    translation.activate("ja")
    source_rows = rows(options.rows)
    bad_rows = [*source_rows[:-1], {**source_rows[-1], "kind": "spaceship"}]
    print(f"Importing {options.rows:,} sources, {options.runs} runs each after a warm-up")
    for file_format in options.formats.split(","):
        for label, content in (
            ("valid", spreadsheets.export_sheet("sources", source_rows, file_format)),
            ("last row bad", spreadsheets.export_sheet("sources", bad_rows, file_format)),
        ):
            name = f"sources.{file_format}"
            import_once(content, name)
            times = [import_once(content, name) for _run in range(options.runs)]
            print(
                f"{file_format:>4} {label:<13} {len(content) / 1024:8.0f} KiB  median {statistics.median(times):6.2f} s"
                f"  min {min(times):6.2f} s  max {max(times):6.2f} s"
            )


if __name__ == "__main__":
    main()
