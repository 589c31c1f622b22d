"""Render time of a submission record against the length of its free answer: it must grow linearly.

Run: .venv/bin/python bench/render_length.py [--runs 3] [--lengths 1000,2000,5000,10000,20000] [--old-css 1000,2000]
Each length is rendered --runs times after one warm-up render; it prints the median, min and max and
the time per 1,000 characters (constant when rendering is linear). --old-css renders the given lengths
as records rendered before issue 16 (automatic table layout, `overflow-wrap: anywhere`, no break
opportunities added to long unbroken runs), whose cost grows with the square of the length: keep
those lengths small.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA_DIR = tempfile.mkdtemp(prefix="bench-render-length-")
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.test_settings"
os.environ["DATA_DIR"] = DATA_DIR
os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR}/bench.sqlite3"
os.environ.pop("PORTAL_INTEGRATION", None)

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402

from disclosures.models import Question, RecordJob, RecordKind, ResponseVersion, Variant  # noqa: E402
from disclosures.records import render  # noqa: E402
from disclosures.records.fetcher import StaticOnlyFetcher, static_roots  # noqa: E402
from disclosures.services.audit import record_event  # noqa: E402
from disclosures.services.records import record_context  # noqa: E402
from disclosures.states import Action, State  # noqa: E402
from portal.accounts.models import Role  # noqa: E402
from tests.factories import DisclosureRequestFactory, member  # noqa: E402

# Japanese without spaces, a long URL and a hash: the unbroken text that needs breaking inside words.
UNIT = (
    "学習データの収集元ごとの内訳と同意の根拠を示す" * 20 + "https://example.jp/" + "a" * 200 + "0123456789abcdef" * 8
)
OLD_RULES = "table { table-layout: auto !important; } th, td { overflow-wrap: anywhere !important; }"  # before issue 16


def job_with_answer(length: int) -> RecordJob:
    request = DisclosureRequestFactory(state=State.SUBMITTED)
    Question.objects.create(request=request, position=1, text="学習データの内訳を示してください。")
    submitter = member(Role.SUBMITTER, request.developer)
    text = (UNIT * (length // len(UNIT) + 1))[:length]
    ResponseVersion.objects.create(
        request=request,
        number=1,
        submitted_by=submitter,
        answers={"questions": {"1": {"tier": "public", "answer": text}}},
    )
    event = record_event(action=Action.SUBMIT, actor=submitter, request=request, data={"version": 1})
    return RecordJob(request=request, event=event, kind=RecordKind.SUBMISSION, version_number=1, variant=Variant.PUBLIC)


def context_for(length: int) -> dict:
    from disclosures.services.records import _answers_for

    job = job_with_answer(length)
    return record_context(job, answers=_answers_for(job))


def measure(context: dict, runs: int, fetcher=None) -> tuple[list[float], int]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        rendered = render.render_pdf("pdf/record.html", context, fetcher=fetcher)
        seconds.append(time.perf_counter() - started)
    return seconds, rendered.page_count


def report(label: str, length: int, seconds: list[float], pages: int) -> None:
    median = statistics.median(seconds)
    print(
        f"{label} {length:>6} chars, {pages:>3} pages: median {median:6.2f} s "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}, n={len(seconds)}), "
        f"{median / length * 1000:.3f} s per 1k chars"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lengths", default="1000,2000,5000,10000,20000")
    parser.add_argument("--old-css", default="", help="lengths to render with the old stylesheet, e.g. 1000,2000")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    render.render_pdf("pdf/record.html", context_for(100))  # warm-up: fonts, imports

    for length in [int(n) for n in args.lengths.split(",") if n]:
        report("record.css", length, *measure(context_for(length), args.runs))

    old_lengths = [int(n) for n in args.old_css.split(",") if n]
    if old_lengths:
        old = Path(DATA_DIR) / "record-before-issue-16.css"
        old.write_text(Path(finders.find(render.STYLESHEET)).read_text() + OLD_RULES)
        finders_find, breakable = finders.find, render.breakable
        finders.find = lambda path, **kw: str(old) if path == render.STYLESHEET else finders_find(path, **kw)
        fetcher = StaticOnlyFetcher(roots=[*static_roots(), Path(DATA_DIR)])  # it may read the old copy
        render.breakable = lambda text: str(text)  # and no break opportunities added to unbroken runs
        try:
            for length in old_lengths:
                report("before    ", length, *measure(context_for(length), args.runs, fetcher))
        finally:
            finders.find, render.breakable = finders_find, breakable


if __name__ == "__main__":
    main()
