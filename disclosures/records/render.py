"""HTML templates to PDF with WeasyPrint: A4, tagged (PDF/UA-1), Japanese and English in Noto Sans CJK."""

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint (which the fetcher subclasses) is imported where a PDF is rendered: the template filters
# of this module are loaded by every web process, which never renders one.
if TYPE_CHECKING:
    from disclosures.records.fetcher import StaticOnlyFetcher

logger = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO; a worker rendering all day needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STYLESHEET = "css/record.css"

# WeasyPrint lays out a line that holds part of a run with no break opportunity (a URL, a hash, a base64
# blob) with the whole rest of the paragraph, so such runs make rendering quadratic in text length
# (bench/render_length.py). A zero-width space every UNBROKEN_CHUNK characters of such a run gives the
# line breaker a point to stop at; Japanese and spaced text already have them and are left alone.
UNBROKEN_CHUNK = 40
UNBROKEN_RUN = re.compile(rf"[^\s\u2e80-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]{{{UNBROKEN_CHUNK + 1},}}")
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    """The text with a line-break opportunity every UNBROKEN_CHUNK characters of long unbroken runs."""
    return UNBROKEN_RUN.sub(
        lambda run: ZERO_WIDTH_SPACE.join(
            run.group()[i : i + UNBROKEN_CHUNK] for i in range(0, len(run.group()), UNBROKEN_CHUNK)
        ),
        str(text),
    )


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}


def fast_subsetting_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz instead of its ~30x slower pure-Python fallback."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def check_fast_subsetting() -> bool:
    """Log an error a worker's operator will see when records would render slowly."""
    available = fast_subsetting_available()
    if not available:
        logger.error(
            "libharfbuzz-subset0 (HarfBuzz >= 4.1) is not available: WeasyPrint falls back to a pure-Python "
            "font subsetter and Japanese records render about 30 times slower. Install libharfbuzz-subset0."
        )
    return available


@dataclass(frozen=True)
class Block:
    """One piece of the answers in a record: a heading, a question, an answer table or a "withheld" note.

    Titles, labels and values come in Japanese and English; `rows` are (label_ja, label_en, value_ja, value_en).
    """

    type: str
    level: int = 2
    title_ja: str = ""
    title_en: str = ""
    text: str = ""
    rows: list = field(default_factory=list)
    tier_ja: str = ""
    tier_en: str = ""
    reason: str = ""


def _in_both(function, *args, **kwargs) -> tuple[Any, Any]:
    with translation.override("ja"):
        ja = function(*args, **kwargs)
    with translation.override("en"):
        en = function(*args, **kwargs)
    return ja, en


def _same_text(value_ja: str, value_en: str) -> str:
    """The English value, or the Japanese one when they differ only in how a list is joined (domains, names)."""
    return value_ja if value_en.replace(", ", "、") == value_ja else value_en


def _group_order(answers: dict, withheld: set[str]) -> list[str]:
    from disclosures.models import Section

    positions = {str(p) for p in (answers.get("questions") or {})} | {
        g.split("/", 1)[1] for g in withheld if g.startswith("questions/")
    }
    ordered = sorted(positions, key=lambda p: (0, int(p)) if p.isdigit() else (1, p))
    return [*Section.values, *(f"questions/{p}" for p in ordered), "attachments"]


def _group_title(group: str) -> str:
    from disclosures.models import Section

    if group in Section.values:
        return str(Section(group).label)
    if group.startswith("questions/"):
        return translation.gettext("Question %(number)s") % {"number": group.split("/", 1)[1]}
    return translation.gettext("Attachments")


def answer_blocks(answers: dict, *, questions: dict | None = None, public: bool = False) -> list[Block]:
    """The answers as an official files them: labelled fields in Japanese and English, one table per row.

    Laid out from `selectors.answers.readable`, the presenter of the HTML version pages. The complete
    record shows each answer's confidentiality; the public one (given `public_answers()` output) shows
    only a neutral note where something was withheld, never what or why.
    """
    from disclosures.selectors.answers import answer_group, readable

    questions = {str(k): str(v) for k, v in (questions or {}).items()}
    withheld = {answer_group(path) for path in answers.get("withheld") or []} if public else set()
    items_ja, items_en = _in_both(readable, answers, questions=questions)
    blocks: list[Block] = []
    for group in _group_order(answers, withheld):
        items = [(ja, en) for ja, en in zip(items_ja, items_en, strict=True) if ja.group == group]
        if not items and group not in withheld:
            continue
        title_ja, title_en = _in_both(_group_title, group)
        blocks.append(Block("heading", 2, title_ja, title_en))
        if group.startswith("questions/") and questions.get(group.split("/", 1)[1]):
            blocks.append(Block("question", text=questions[group.split("/", 1)[1]]))
        for ja, en in items:
            rows = [
                (label_ja, label_en, value_ja or "—", _same_text(value_ja, value_en) or "—")
                for (label_ja, value_ja), (label_en, value_en) in zip(ja.fields, en.fields, strict=True)
            ]
            confidentiality = {}
            if not public:
                tier_ja, tier_en = _in_both(lambda item=ja: item.tier_label)
                confidentiality = {"tier_ja": tier_ja, "tier_en": tier_en, "reason": ja.reason}
            title_ja, title_en = (ja.title, en.title) if ja.level > 2 else ("", "")
            blocks.append(Block("answer", ja.level, title_ja, title_en, rows=rows, **confidentiality))
        if group in withheld:
            blocks.append(Block("withheld"))
    return blocks


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    page_count: int


def render_pdf(template: str, context: dict, *, fetcher: "StaticOnlyFetcher | None" = None) -> RenderedPDF:
    """Render a template under templates/pdf/ to a tagged PDF/UA-1 document.

    Every user-supplied string reaches the HTML through Django's autoescaping, and the fetcher loads
    nothing but static files, so user text can neither inject markup nor make the renderer fetch.
    """
    from weasyprint import HTML

    from disclosures.records.fetcher import StaticOnlyFetcher

    fetcher = fetcher or StaticOnlyFetcher()
    stylesheet = finders.find(STYLESHEET)
    with translation.override("ja"):
        html = render_to_string(template, {**context, "stylesheet_url": _file_uri(stylesheet)})
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(**PDF_OPTIONS)
    return RenderedPDF(document.write_pdf(**PDF_OPTIONS), len(document.pages))


def _file_uri(path: str | None) -> str:
    from pathlib import Path

    if path is None:
        raise FileNotFoundError(f"static file {STYLESHEET} is missing")
    return Path(path).resolve().as_uri()
