import io
import zipfile
import zlib

import pytest
from django.utils import translation

from disclosures.uploads import inspect_upload


@pytest.fixture(autouse=True)
def _english_reasons():
    # The reasons are checked by their English wording; the portal shows them translated.
    with translation.override("en"):
        yield


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 16
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8
CSV_UTF8 = "データセット,件数\nCommon Crawl,1200\n".encode()
CSV_SHIFT_JIS = "データセット,件数\n".encode("cp932")


def office(kind: str, part: str, content: str, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, content)
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def workbook(*sheets: str) -> bytes:
    return office("xlsx", "xl/workbook.xml", f"<workbook><sheets>{''.join(sheets)}</sheets></workbook>")


def document(body: str) -> bytes:
    return office("docx", "word/document.xml", f"<w:document><w:body>{body}</w:body></w:document>")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.pdf", PDF, "pdf"),
        ("chart.png", PNG, "png"),
        ("photo.JPG", JPEG, "jpeg"),
        ("photo.jpeg", JPEG, "jpeg"),
        ("anim.gif", GIF, "gif"),
        ("image.webp", WEBP, "webp"),
        ("sources.csv", CSV_UTF8, "csv"),
        ("sources.csv", CSV_SHIFT_JIS, "csv"),
        ("notes.txt", b"plain notes\n", "text"),
        ("figures.xlsx", workbook('<sheet name="Figures" sheetId="1" r:id="rId1"/>'), "xlsx"),
        ("policy.docx", document("<w:p><w:r><w:t>Policy</w:t></w:r></w:p>"), "docx"),
    ],
)
def test_files_whose_content_matches_their_name_are_accepted(name, data, kind):
    verdict = inspect_upload(name, data)
    assert verdict.accepted, verdict.reason
    assert verdict.kind == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00 a windows program"),
        ("data.csv", b"\x7fELF\x02\x01\x01"),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("report.pdf", b"#!/usr/bin/env python\n"),
    ],
)
def test_executables_are_refused_whatever_their_name(name, data):
    verdict = inspect_upload(name, data)
    assert not verdict.accepted
    assert "Programs and scripts" in verdict.reason


@pytest.mark.parametrize(
    ("name", "data"),
    [("chart.png", PDF), ("report.pdf", PNG), ("photo.jpg", GIF), ("sources.csv", PDF), ("figures.xlsx", PDF)],
)
def test_a_file_whose_content_does_not_match_its_extension_is_refused(name, data):
    verdict = inspect_upload(name, data)
    assert not verdict.accepted
    assert "does not match" in verdict.reason


@pytest.mark.parametrize("name", ["tool.exe", "archive.zip", "page.html", "no-extension", "script.js"])
def test_other_types_are_refused(name):
    assert not inspect_upload(name, b"hello").accepted


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_workbook_with_a_hidden_sheet_is_refused(state):
    data = workbook(
        '<sheet name="Public" sheetId="1" r:id="rId1"/>',
        f'<sheet name="Secret" sheetId="2" state="{state}" r:id="rId2"/>',
    )
    verdict = inspect_upload("figures.xlsx", data)
    assert not verdict.accepted
    assert "hidden sheets" in verdict.reason


def test_a_workbook_whose_sheets_are_all_visible_is_accepted_even_when_it_says_so():
    data = workbook('<sheet name="A" sheetId="1" state="visible" r:id="rId1"/>')
    assert inspect_upload("figures.xlsx", data).accepted


def test_a_document_with_hidden_text_is_refused_but_explicitly_visible_text_is_not():
    hidden = document("<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>secret</w:t></w:r></w:p>")
    assert not inspect_upload("policy.docx", hidden).accepted
    shown = document('<w:p><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>shown</w:t></w:r></w:p>')
    assert inspect_upload("policy.docx", shown).accepted


def test_office_files_with_macros_are_refused():
    data = office(
        "xlsx", "xl/workbook.xml", "<workbook><sheets/></workbook>", {"xl/vbaProject.bin": b"\x00macro".decode()}
    )
    verdict = inspect_upload("figures.xlsx", data)
    assert not verdict.accepted
    assert "macros" in verdict.reason


def test_a_docx_renamed_to_xlsx_is_refused():
    assert not inspect_upload("figures.xlsx", document("<w:p/>")).accepted


def test_legacy_or_encrypted_office_files_are_refused():
    verdict = inspect_upload("figures.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32)
    assert not verdict.accepted
    assert "password-protected" in verdict.reason


def test_a_damaged_zip_is_refused():
    assert not inspect_upload("figures.xlsx", b"PK\x03\x04 not really a zip").accepted


def test_an_empty_file_and_an_oversized_file_are_refused(settings):
    assert not inspect_upload("report.pdf", b"").accepted
    settings.ATTACHMENT_MAX_BYTES = 1024
    verdict = inspect_upload("report.pdf", PDF + b"0" * 2000)
    assert not verdict.accepted
    assert "larger than" in verdict.reason


def test_binary_data_named_csv_is_refused():
    assert not inspect_upload("sources.csv", b"\x00\x01\x02binary").accepted


def pdf_with_object_stream(objects: bytes) -> bytes:
    compressed = zlib.compress(objects)
    return (
        PDF[:-6]
        + b"2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(compressed)
        + compressed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


@pytest.mark.parametrize(
    "data",
    [
        PDF + b"<< /S /JavaScript /JS (app.alert(1)) >>",
        PDF + b"<< /Names << /JavaScript 5 0 R >> >>",
        PDF + b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",  # names spelled with #xx escapes
        pdf_with_object_stream(b"3 0 << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
    ],
    ids=["plain", "name-tree", "escaped-names", "in-compressed-object-stream"],
)
def test_a_pdf_with_javascript_is_refused_with_a_clear_reason(data):
    verdict = inspect_upload("report.pdf", data)
    assert not verdict.accepted
    assert "JavaScript" in verdict.reason


def test_a_pdf_whose_names_only_start_like_javascript_is_accepted():
    names = b"<< /JSON (x) /JavaScripts 1 /JSLabel (a) /Type /Catalog >>"
    assert inspect_upload("report.pdf", PDF + names).accepted
    assert inspect_upload("report.pdf", pdf_with_object_stream(b"3 0 " + names)).accepted


def test_a_pdf_whose_streams_inflate_beyond_the_bound_is_refused(monkeypatch):
    from disclosures import uploads

    monkeypatch.setattr(uploads, "MAX_PDF_INFLATED", 10_000)
    verdict = inspect_upload("report.pdf", pdf_with_object_stream(b" " * 50_000))
    assert not verdict.accepted
    assert "expands" in verdict.reason


@pytest.mark.django_db
def test_the_attachment_service_refuses_a_scripted_pdf_in_the_uploaders_language(issued_request, responder):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosures.services.responses import add_attachment

    scripted = PDF + b"<< /S /JavaScript /JS (app.alert(1)) >>"
    with translation.override("ja"), pytest.raises(ValidationError) as refused:
        add_attachment(request=issued_request, by=responder, upload=SimpleUploadedFile("report.pdf", scripted))
    assert refused.value.message_dict["attachment"] == [
        "JavaScriptを含むPDFファイルは受け付けていません。スクリプトを含まない新しいPDFとして保存または印刷してから、"
        "もう一度アップロードしてください。"
    ]
    assert not issued_request.attachments.exists()


@pytest.mark.django_db
def test_the_attachment_service_refuses_with_the_same_check(issued_request, responder):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosures.services.responses import add_attachment

    with pytest.raises(ValidationError) as refused:
        add_attachment(request=issued_request, by=responder, upload=SimpleUploadedFile("sources.csv", PDF))
    assert refused.value.message_dict["attachment"] == [inspect_upload("sources.csv", PDF).reason]
