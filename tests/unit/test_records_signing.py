"""Signed records: the signature validates, and the verify page catches every change after signing."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from disclosures.models import Record
from disclosures.records.signing import signing_key
from disclosures.services.requests import issue_request
from disclosures.states import State
from tests.factories import DisclosureRequestFactory


@pytest.fixture
def signed_record(ministry, developer, official, django_capture_on_commit_callbacks) -> Record:
    request = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        issue_request(request=request, by=official)
    return Record.objects.get(request=request)


def content(record: Record) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


def verify(client, data: bytes):
    # The verdicts are read in English; the Japanese wording is the catalog's business.
    return client.post(
        reverse("verify"),
        {"pdf": SimpleUploadedFile("r.pdf", data, "application/pdf")},
        headers={"accept-language": "en"},
    )


def test_the_record_signature_validates_against_the_configured_trust_root_and_certifies_no_changes(signed_record):
    reader = PdfFileReader(BytesIO(content(signed_record)))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=list(signing_key().trust_roots), allow_fetching=False)
    status = validate_pdf_signature(signature, context)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert signature.docmdp_level == MDPPerm.NO_CHANGES
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_the_verify_page_confirms_an_untouched_record_and_names_its_log_entry(client, signed_record):
    response = verify(client, content(signed_record))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["result"].valid
    assert signed_record.sha256 in page
    assert f"#{signed_record.log_entry.index}" in page
    assert "development records key" in page


def test_the_verify_page_reports_a_flipped_byte_as_not_valid(client, signed_record):
    data = bytearray(content(signed_record))
    data[len(data) // 3] ^= 0x01
    response = verify(client, bytes(data))
    result = response.context["result"]
    assert not result.valid and not result.intact
    assert response.context["log_entry"] is None
    assert "No log entry holds this file" in response.content.decode()


def test_the_verify_page_reports_an_incremental_update_that_changes_text_as_modified(client, signed_record):
    writer = IncrementalPdfFileWriter(BytesIO(content(signed_record)))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (Changed after signing) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    response = verify(client, out.getvalue())
    result = response.context["result"]
    assert result.intact  # the signed revision itself is untouched...
    assert not result.unchanged and not result.valid  # ...but the file was changed after signing
    assert "yes: the file was modified" in response.content.decode()


def test_the_verify_page_refuses_uploads_over_the_size_limit_without_storing_them(client, settings, db):
    settings.VERIFY_UPLOAD_MAX_BYTES = 2048
    response = verify(client, b"%PDF-1.7\n" + b"0" * 5000)
    assert response.status_code == 413


def test_the_verify_page_says_a_file_that_is_not_a_pdf_is_not_valid(client, db):
    response = verify(client, b"not a pdf at all")
    assert response.status_code == 200
    assert not response.context["result"].valid
    assert not response.context["result"].readable
