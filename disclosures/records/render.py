"""HTML templates to PDF with WeasyPrint: A4, tagged (PDF/UA-1), Japanese and English in Noto Sans CJK."""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from disclosures.records.fetcher import StaticOnlyFetcher

logger = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO; a worker rendering all day needs none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STYLESHEET = "css/record.css"
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
    """One piece of a generically rendered answer: a heading, label/value rows, a table or a list."""

    type: str
    level: int = 2
    text: str = ""
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)


def humanize_key(key: str) -> str:
    from disclosures.models import Section

    if key in Section.values:
        return str(Section(key).label)
    return str(key).replace("_", " ").strip().capitalize()


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "はい / Yes" if value else "いいえ / No"
    if isinstance(value, dict) and "value" in value:
        return _scalar(value["value"])
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanize_key(k)}: {_scalar(v)}" for k, v in value.items())
    return str(value)


def _is_leaf(value: Any) -> bool:
    """A scalar, a list of scalars, or an answer wrapper such as {"value": ..., "tier": ...}."""
    if isinstance(value, dict):
        return "value" in value and _is_leaf(value["value"])
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) for v in value)
    return True


def answer_blocks(answers: dict, level: int = 2) -> list[Block]:
    """Walk a frozen answers dict into headings, label/value tables, row tables and lists.

    Nothing here knows the answer schema, so the record follows whatever the form stores; dicts become
    headings, scalars label/value rows, lists of dicts tables with one column per key.
    """
    blocks: list[Block] = []
    rows: list[tuple[str, str]] = []

    def flush():
        if rows:
            blocks.append(Block("fields", rows=list(rows)))
            rows.clear()

    for key, value in answers.items():
        if _is_leaf(value):
            rows.append((humanize_key(key), _scalar(value)))
            continue
        flush()
        blocks.append(Block("heading", level=min(level, 4), text=humanize_key(key)))
        if isinstance(value, dict):
            blocks.extend(answer_blocks(value, level + 1))
        elif all(isinstance(item, dict) for item in value):
            columns: list[str] = []
            for item in value:
                columns.extend(k for k in item if k not in columns)
            blocks.append(
                Block(
                    "table",
                    columns=[humanize_key(c) for c in columns],
                    rows=[[_scalar(item.get(c)) for c in columns] for item in value],
                )
            )
        else:
            for item in value:
                blocks.extend(answer_blocks(item, level + 1) if isinstance(item, dict) else [])
    flush()
    return blocks


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    page_count: int


def render_pdf(template: str, context: dict, *, fetcher: StaticOnlyFetcher | None = None) -> RenderedPDF:
    """Render a template under templates/pdf/ to a tagged PDF/UA-1 document.

    Every user-supplied string reaches the HTML through Django's autoescaping, and the fetcher loads
    nothing but static files, so user text can neither inject markup nor make the renderer fetch.
    """
    from weasyprint import HTML

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
