"""Sources and output filters through a spreadsheet: template, export, all-or-nothing import, in CSV and XLSX."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from disclosures import spreadsheets
from disclosures.services.responses import draft_for, save_draft
from portal.accounts.models import Role
from tests.answers_data import complete_answers
from tests.auth import login
from tests.factories import member

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _all_sections(issued_request):
    issued_request.sections = ALL
    issued_request.save()


def client_for(user, language="ja") -> Client:
    client = Client(headers={"accept-language": language})
    login(client, user)
    return client


def sheet_url(name, request, section, file_format=None):
    args = [request.public_id, section] + ([file_format] if file_format else [])
    return reverse(f"developer:answer_sheet_{name}", args=args)


def upload(client, request, section, name, content, revision):
    return client.post(
        sheet_url("import", request, section), {"sheet": SimpleUploadedFile(name, content), "revision": str(revision)}
    )


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def rich_sources() -> list[dict]:
    """Rows using every kind of cell: choices, lists, dates, numbers, claims and text a spreadsheet would run."""
    rows = complete_answers()["sources"]
    rows[0].update(
        size=1.5,
        size_unit="tb",
        collection_start="2023-04-01",
        collection_end="2024-03-31",
        languages=["ja", "en"],
        licence_evidence='=HYPERLINK("http://evil.example")',
        japanese_anime_manga="no",
    )
    rows.append(
        {
            "name": "+81 corpus",
            "kind": "other",
            "kind_other": "Phone transcripts",
            "tier": "ministry_only",
            "reason": "Names of callers.",
            "modality": "audio",
            "consent_basis": "none",
        }
    )
    return rows


def headers_of(section: str, language: str) -> list[str]:
    with translation.override(language):
        return [spreadsheets.header(column, language) for column in spreadsheets.row_fields(section)]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_re_imports_to_the_same_answer(issued_request, responder, file_format):
    document = {**complete_answers(), "sources": rich_sources()}
    draft = save_draft(request=issued_request, by=responder, answers=document, revision=0)
    client = client_for(responder)
    exported = client.get(sheet_url("export", issued_request, "sources", file_format))
    assert exported.status_code == 200 and exported["Content-Disposition"].endswith(f'.{file_format}"')
    response = upload(client, issued_request, "sources", f"sources.{file_format}", exported.content, draft.revision)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = draft_for(issued_request)
    assert after.revision == draft.revision + 1
    assert after.answers == draft.answers  # row ids, claims, dates, numbers and lists all came back


def test_the_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(issued_request, responder):
    save_draft(request=issued_request, by=responder, answers={"sources": rich_sources()}, revision=0)
    client = client_for(responder)
    text = client.get(sheet_url("export", issued_request, "sources", "csv")).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells and "'+81 corpus" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    content = client.get(sheet_url("export", issued_request, "sources", "xlsx")).content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert '\'=HYPERLINK("http://evil.example")' in values


def test_the_template_heads_its_columns_in_japanese_or_english_and_either_imports(issued_request, responder):
    client = client_for(responder)
    for language in ("ja", "en"):
        content = client.get(sheet_url("template", issued_request, "sources", "xlsx") + f"?lang={language}").content
        header = [cell.value for cell in load_workbook(io.BytesIO(content)).active[1]]
        assert header == headers_of("sources", language)
    assert "データセット又は出所の名称" in headers_of("sources", "ja")
    assert "Name of the dataset or source" in headers_of("sources", "en")
    # An English sheet imported by a Japanese reader, with labels of the choices in English.
    english = headers_of("sources", "en")
    row = dict.fromkeys(english, "")
    row.update({english[1]: "Books3 replacement", english[2]: "Licensed data", english[4]: "Text"})
    with translation.override("en"):
        tier = spreadsheets.header(spreadsheets.row_fields("sources")[-2], "en")
    row[tier] = "Public"
    response = upload(client, issued_request, "sources", "en.xlsx", xlsx([english, list(row.values())]), 0)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = draft_for(issued_request).answers["sources"]
    assert [(r["name"], r["kind"], r["modality"], r["tier"]) for r in saved] == [
        ("Books3 replacement", "licensed", "text", "public")
    ]


def bad_sheet(language: str) -> bytes:
    header = headers_of("sources", language)
    position = {c.name: index for index, c in enumerate(spreadsheets.row_fields("sources"))}
    name, kind, languages = position["name"], position["kind"], position["languages"]
    start, end = position["collection_start"], position["collection_end"]
    rows = [header]
    for number in range(6):
        row = [""] * len(header)
        row[name] = f"Source {number}"
        rows.append(row)
    rows[2][kind] = "spaceship"  # line 3
    rows[4][start], rows[4][end] = "2024-05-01", "2023-01-01"  # line 5: ends before it starts
    rows[6][languages] = "日本語!"  # line 7
    return csv_bytes(rows)


@pytest.mark.parametrize(("language", "words"), [("ja", ("行", "列")), ("en", ("Row", "column"))])
def test_a_file_with_bad_rows_saves_nothing_and_lists_every_bad_row_and_column(
    issued_request, responder, language, words
):
    draft = save_draft(request=issued_request, by=responder, answers=complete_answers(), revision=0)
    response = upload(client_for(responder, language), issued_request, "sources", "bad.csv", bad_sheet(language), 1)
    assert response.status_code == 400
    after = draft_for(issued_request)
    assert after.revision == draft.revision and after.answers == draft.answers
    problems = [str(p) for p in response.context["problems"]]
    header = headers_of("sources", language)
    with translation.override(language):
        by_name = {c.name: spreadsheets.header(c, language) for c in spreadsheets.row_fields("sources")}
    assert len(problems) == 3, problems
    for line, column, problem in zip((3, 5, 7), ("kind", "collection_end", "languages"), problems, strict=True):
        assert f"{words[0]} {line}" in problem or f"{line}{words[0]}" in problem, problem
        assert by_name[column] in problem and words[1] in problem, problem
    assert all(by_name[c] in header for c in ("kind", "collection_end", "languages"))
    page = response.content.decode()
    assert page.count("<li>") >= 3 and page.count("<h1") == 1


def test_an_unknown_column_is_refused_by_its_heading(issued_request, responder):
    content = csv_bytes([[*headers_of("sources", "en"), "Colour"], ["x"] * 3])
    response = upload(client_for(responder, "en"), issued_request, "sources", "x.csv", content, 0)
    assert response.status_code == 400 and draft_for(issued_request).revision == 0
    assert any("Colour" in str(p) and "Row 1" in str(p) for p in response.context["problems"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sources.csv", PNG),
        ("sources.xlsx", b"PK\x03\x04 not really a workbook"),
        ("sources.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("sources.exe", b"MZ\x90\x00"),
        ("sources.pdf", b"%PDF-1.7\n%%EOF\n"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(issued_request, responder, name, content):
    response = upload(client_for(responder), issued_request, "sources", name, content, 0)
    assert response.status_code == 400
    assert draft_for(issued_request).revision == 0 and response.context["problems"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(issued_request, responder, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    content = csv_bytes([headers_of("sources", "ja")] + [["a" * 50] for _ in range(100)])
    response = upload(client_for(responder), issued_request, "sources", "big.csv", content, 0)
    assert response.status_code == 400 and draft_for(issued_request).revision == 0


def test_rows_imported_without_ids_keep_the_ids_of_the_rows_they_replace(issued_request, responder):
    draft = save_draft(request=issued_request, by=responder, answers=complete_answers(), revision=0)
    ids = [row["row_id"] for row in draft.answers["output_filters"]]
    header = headers_of("output_filters", "en")[1:]  # no row id column
    kind, blocks = (
        header.index(headers_of("output_filters", "en")[1]),
        header.index(headers_of("output_filters", "en")[3]),
    )
    first, second = [""] * len(header), [""] * len(header)
    first[kind], first[blocks] = "Prompt filter", "Named franchises"
    second[kind], second[blocks] = "Human review", "Whatever the prompt filter let through"
    response = upload(
        client_for(responder, "en"), issued_request, "output_filters", "f.csv", csv_bytes([header, first, second]), 1
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = draft_for(issued_request).answers["output_filters"]
    assert [row["kind"] for row in rows] == ["prompt_filter", "human_review"]
    assert rows[0]["row_id"] == ids[0] and rows[1]["row_id"] not in ids


def test_five_thousand_rows_import(issued_request, responder):
    header = headers_of("sources", "ja")
    columns = [column.name for column in spreadsheets.row_fields("sources")]
    lines = [header]
    for number in range(5000):
        values = {
            "name": f"データセット {number}",
            "kind": "ウェブクロール",
            "modality": "テキスト",
            "consent_basis": "なし",
            "top_domains": f"site{number}.example.jp",
            "tier": "公開",
        }
        lines.append([values.get(name, "") for name in columns])
    response = upload(client_for(responder), issued_request, "sources", "many.xlsx", xlsx(lines), 0)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = draft_for(issued_request).answers["sources"]
    assert len(rows) == 5000 and rows[4999]["name"] == "データセット 4999" and rows[4999]["kind"] == "web_crawl"
    assert len({row["row_id"] for row in rows}) == 5000


def test_only_editors_of_the_developer_import_and_another_organisation_gets_404(issued_request, responder, official):
    content = csv_bytes([headers_of("sources", "ja")])
    outsider = client_for(member(Role.SUBMITTER))
    assert upload(outsider, issued_request, "sources", "s.csv", content, 0).status_code == 404
    assert outsider.get(sheet_url("export", issued_request, "sources", "csv")).status_code == 404
    assert outsider.get(sheet_url("template", issued_request, "sources", "xlsx")).status_code == 404
    assert upload(client_for(official), issued_request, "sources", "s.csv", content, 0).status_code == 403
    issued_request.state = "submitted"
    issued_request.save()
    assert upload(client_for(responder), issued_request, "sources", "s.csv", content, 0).status_code == 403
    assert client_for(responder).get(sheet_url("export", issued_request, "sources", "csv")).status_code == 200
    assert client_for(responder).get(sheet_url("export", issued_request, "provider", "csv")).status_code == 404


def test_the_sources_page_offers_the_template_the_export_and_the_import(issued_request, responder):
    page = client_for(responder).get(reverse("developer:answer_section", args=[issued_request.public_id, "sources"]))
    text = page.content.decode()
    for href in (
        sheet_url("template", issued_request, "sources", "xlsx") + "?lang=ja",
        sheet_url("template", issued_request, "sources", "xlsx") + "?lang=en",
        sheet_url("export", issued_request, "sources", "csv"),
    ):
        assert f'href="{href}"' in text
    assert re.search(
        r'<form method="post" enctype="multipart/form-data" action="'
        + re.escape(sheet_url("import", issued_request, "sources")),
        text,
    )


def test_a_template_sent_back_without_rows_does_not_empty_the_list(issued_request, responder):
    draft = save_draft(request=issued_request, by=responder, answers=complete_answers(), revision=0)
    client = client_for(responder)
    template = client.get(sheet_url("template", issued_request, "sources", "csv")).content
    response = upload(client, issued_request, "sources", "template.csv", template, draft.revision)
    assert response.status_code == 400
    assert draft_for(issued_request).answers["sources"] == draft.answers["sources"]
