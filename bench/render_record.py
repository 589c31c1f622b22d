"""Render and sign a 3-page Japanese record N times: median, min and max of each step.

Run: .venv/bin/python bench/render_record.py [--runs 7] [--fallback-runs 1]
Uses the test settings with a throw-away SQLite database and key in a temporary directory. The first
render (font loading, imports) is a warm-up and is not counted. With --fallback-runs > 0 it also
renders with WeasyPrint's pure-Python (fontTools) subsetter, which it uses when libharfbuzz-subset0 is
missing, and prints how many times slower that is (about 8 s a render: keep it at 1 or 2).
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA_DIR = tempfile.mkdtemp(prefix="bench-record-")
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.test_settings"
os.environ["DATA_DIR"] = DATA_DIR
os.environ["DATABASE_URL"] = f"sqlite:///{DATA_DIR}/bench.sqlite3"
os.environ.pop("PORTAL_INTEGRATION", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from disclosures.models import Question, RecordJob, RecordKind, Variant  # noqa: E402
from disclosures.records import render  # noqa: E402
from disclosures.records.signing import sign_pdf, signing_key  # noqa: E402
from disclosures.services.audit import record_event  # noqa: E402
from disclosures.services.records import record_context  # noqa: E402
from disclosures.states import Action, State  # noqa: E402
from portal.accounts.models import Role  # noqa: E402
from tests.factories import DisclosureRequestFactory, member  # noqa: E402

LETTER = (
    "生成AIの適正な利用の確保に関する法律第16条に基づき、貴社が提供する映像生成モデルについて、"
    "学習に用いたデータの種類、収集の方法、権利者による利用停止の求めへの対応状況を説明するよう求めます。"
)
QUESTION = "学習データに含まれる日本の著作物の割合と、その収集元ごとの内訳を示してください。第{n}問。"
GUIDANCE = "収集元ごとに、同意の根拠、利用停止の求めを受けた件数、対応に要した日数を記載してください。"
QUESTIONS = 15  # with the letter, three A4 pages


def job_to_render() -> RecordJob:
    request = DisclosureRequestFactory(state=State.ISSUED, covering_letter="\n\n".join([LETTER] * 3))
    for n in range(1, QUESTIONS + 1):
        Question.objects.create(request=request, position=n, text=QUESTION.format(n=n), guidance=GUIDANCE)
    official = member(Role.OFFICIAL, request.ministry)
    event = record_event(action=Action.ISSUE, actor=official, request=request, deadline=request.deadline)
    return RecordJob(request=request, event=event, kind=RecordKind.REQUEST, variant=Variant.PUBLIC)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def summary(label: str, seconds: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(seconds):.3f} s "
        f"(min {min(seconds):.3f}, max {max(seconds):.3f}, n={len(seconds)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fallback-runs", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    job = job_to_render()
    context = record_context(job)
    key = signing_key()  # the development key is made on first use: not part of what we measure

    rendered = render.render_pdf("pdf/record.html", context)  # warm-up
    sign_pdf(rendered.content, reason=context["title"], key=key)
    render_times, sign_times = [], []
    for _ in range(args.runs):
        rendered, seconds = timed(render.render_pdf, "pdf/record.html", context)
        render_times.append(seconds)
        _signed, seconds = timed(sign_pdf, rendered.content, reason=context["title"], key=key)
        sign_times.append(seconds)
    print(f"record: {rendered.page_count} pages, {len(rendered.content) / 1024:.0f} KiB")
    print(f"HarfBuzz subsetter available: {render.fast_subsetting_available()}")
    print(summary("render", render_times))
    print(summary("sign  ", sign_times))

    if args.fallback_runs > 0:
        from weasyprint.pdf import fonts

        # What WeasyPrint does without libharfbuzz-subset0: it checks this module global on each subset.
        fonts.harfbuzz_subset, fast = None, fonts.harfbuzz_subset
        logging.disable(logging.WARNING)  # the fallback's warning and per-table messages, once per font
        try:
            slow_times = [timed(render.render_pdf, "pdf/record.html", context)[1] for _ in range(args.fallback_runs)]
        finally:
            fonts.harfbuzz_subset = fast
            logging.disable(logging.NOTSET)
        ratio = statistics.median(slow_times) / statistics.median(render_times)
        print(summary("render with the fontTools fallback", slow_times))
        print(f"fallback / HarfBuzz: {ratio:.0f} times slower")


if __name__ == "__main__":
    main()
