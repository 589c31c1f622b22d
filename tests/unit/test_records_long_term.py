"""PAdES B-LT and B-LTA against a real RFC 3161 timestamp server with OCSP and CRL responders (Certomancer),
renewed archive timestamps, and the level the verify page reports."""

import datetime
import hashlib
import importlib.util
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore

from disclosures.models import LogEntry, Record, RecordJob
from disclosures.records.errors import RevocationDataUnavailable
from disclosures.records.integrity import stored_file_problems, verified_copy
from disclosures.records.verify import logged_sha256, verify_pdf
from disclosures.services.log import integrate_pending_entries
from disclosures.services.records import renew_record_timestamps, run_record_job
from disclosures.services.requests import issue_request
from disclosures.states import State
from tests.factories import DisclosureRequestFactory
from tests.pki import PASSPHRASE, start_test_pki

DOCS = Path(__file__).resolve().parents[2] / "docs"
SOON = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=100)).replace(microsecond=0)


@pytest.fixture
def pki(tmp_path, settings):
    """The PKI with a first TSA whose certificate expires in 100 days (renewal due) and a second one to 2400."""
    server = start_test_pki(tmp_path, tsa_valid_to=SOON.strftime("%Y-%m-%dT%H:%M:%S+0000"))
    settings.RECORD_SIGNING_PKCS12 = str(server.pkcs12_path)
    settings.RECORD_SIGNING_PASSPHRASE = PASSPHRASE.decode()
    settings.RECORD_TSA_URL = server.tsa_url("tsa")
    settings.RECORD_TSA_ROOTS = str(server.root_pem_path)
    yield server
    server.stop()


def issued_record(ministry, developer, official, capture) -> Record:
    request = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
    with capture(execute=True):
        issue_request(request=request, by=official)
    integrate_pending_entries()
    return Record.objects.get(request=request)


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def root_of(server) -> asn1_x509.Certificate:
    pem = x509.load_pem_x509_certificate(server.root_pem_path.read_bytes())
    return asn1_x509.Certificate.load(pem.public_bytes(serialization.Encoding.DER))


def documented_script():
    spec = importlib.util.spec_from_file_location("verify_inclusion", DOCS / "verify_inclusion.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_with_a_timestamp_authority_records_are_b_lta_and_validate_offline_with_embedded_revocation_data(
    pki, ministry, developer, official, django_capture_on_commit_callbacks
):
    record = issued_record(ministry, developer, official, django_capture_on_commit_callbacks)
    data = stored(record.file.name)
    reader = PdfFileReader(BytesIO(data))
    assert [s.sig_object_type for s in reader.embedded_signatures] == ["/Sig", "/DocTimeStamp"]
    dss = reader.root["/DSS"]
    assert dss["/Certs"] and (dss.get("/OCSPs") or dss.get("/CRLs"))
    pki.stop()  # from here on nothing can be fetched: the file must carry what validation needs
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {"trust_roots": [root_of(pki)], "allow_fetching": False, "revocation_mode": "hard-fail"}
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.bottom_line and status.trusted and status.timestamp_validity.trusted
    assert status.docmdp_ok  # the validation data and the document timestamp are allowed updates
    verification = verify_pdf(data)
    assert verification.valid, verification.problems
    assert (verification.pades_level, verification.document_timestamps) == ("B-LTA", 1)
    assert record.timestamp_expires_at == SOON


def test_a_record_signed_while_the_revocation_responders_are_down_is_handed_back_for_a_retry(
    pki, ministry, developer, official, django_capture_on_commit_callbacks
):
    request = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
    with django_capture_on_commit_callbacks(execute=False):
        issue_request(request=request, by=official)
    (job,) = RecordJob.objects.filter(request=request)
    pki.stop()  # the OCSP responder and the CRLs are away (the TSA with them)

    with pytest.raises(RevocationDataUnavailable):
        run_record_job(job.pk)  # propagates, so the task retries with backoff
    job.refresh_from_db()
    assert job.status == RecordJob.Status.PENDING  # not failed: the next try or the sweeper claims it again
    assert "no revocation information could be found" in job.error
    assert not Record.objects.filter(request=request).exists()


def test_without_a_timestamp_authority_records_stay_b_b(
    ministry, developer, official, django_capture_on_commit_callbacks
):
    record = issued_record(ministry, developer, official, django_capture_on_commit_callbacks)
    verification = verify_pdf(stored(record.file.name))
    assert verification.valid and verification.pades_level == "B-B"
    assert documented_script().pades_level(stored(record.file.name)) == "B-B"
    assert record.timestamp_expires_at is None
    assert renew_record_timestamps() == 0


def test_a_renewal_appends_a_timestamp_that_outlives_the_expiring_one_and_keeps_the_logged_record_as_prefix(
    pki, settings, client, ministry, developer, official, django_capture_on_commit_callbacks
):
    record = issued_record(ministry, developer, official, django_capture_on_commit_callbacks)
    original = stored(record.file.name)
    # The same TSA certificate would not push the expiry later: nothing is renewed, nothing is stored.
    assert renew_record_timestamps() == 0
    record.refresh_from_db()
    assert not record.archive_file
    settings.RECORD_TSA_URL = pki.tsa_url("tsa2")
    assert renew_record_timestamps() == 1
    record.refresh_from_db()
    archive = stored(record.archive_file.name)
    assert archive.startswith(original) and len(archive) > len(original)
    assert stored(record.file.name) == original  # the signed, logged file is never changed
    assert record.timestamp_expires_at.year == 2400
    assert renew_record_timestamps() == 0  # not due any more
    verification = verify_pdf(archive)
    assert verification.valid, verification.problems
    assert (verification.pades_level, verification.document_timestamps) == ("B-LTA", 2)
    # The log still proves the renewed file: it holds the hash of the revision that was signed and logged.
    assert logged_sha256(verification) == record.sha256 == LogEntry.objects.get(record=record).record_sha256
    response = client.post(
        reverse("verify"),
        {"pdf": SimpleUploadedFile("r.pdf", archive, "application/pdf")},
        headers={"accept-language": "en"},
    )
    page = response.content.decode()
    assert response.context["log_entry"].record_id == record.pk
    assert "B-LTA" in page and "2 document timestamps" in page
    # The documented stand-alone script (standard library only) finds the logged revision and the level.
    script = documented_script()
    assert record.sha256 in script.revision_hashes(archive)[1:]
    assert (script.pades_level(archive), script.pades_level(original)) == ("B-LTA", "B-LTA")
    # Downloads serve the renewed file, checked against both hashes.
    copy = verified_copy(record)
    assert copy.read() == archive
    assert list(stored_file_problems()) == []


def test_an_archive_copy_that_does_not_begin_with_the_logged_record_is_refused(
    pki, settings, ministry, developer, official, django_capture_on_commit_callbacks
):
    record = issued_record(ministry, developer, official, django_capture_on_commit_callbacks)
    settings.RECORD_TSA_URL = pki.tsa_url("tsa2")
    renew_record_timestamps()
    record.refresh_from_db()
    Record.objects.filter(pk=record.pk).update(sha256="0" * 64)  # as if the logged file were another one
    record.refresh_from_db()
    assert verified_copy(record) is None
    assert any("does not begin with the signed and logged file" in p for p in stored_file_problems())


def test_content_appended_after_the_timestamps_is_a_change_not_an_archival_update(
    pki, ministry, developer, official, django_capture_on_commit_callbacks
):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    record = issued_record(ministry, developer, official, django_capture_on_commit_callbacks)
    writer = IncrementalPdfFileWriter(BytesIO(stored(record.file.name)))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    changed = BytesIO()
    writer.write(changed)
    verification = verify_pdf(changed.getvalue())
    assert not verification.unchanged and not verification.valid
    # It is still found in the log, under the revision that was signed: the page can say what changed.
    assert logged_sha256(verification) == record.sha256


def test_revision_hashes_are_the_prefixes_at_each_eof_and_bounded_for_a_file_made_of_markers():
    from disclosures.records.verify import MAX_REVISIONS, revision_hashes

    data = b"%PDF-1.7\nA\n%%EOF\nB\n%%EOF\r\nC\n%%EOF\n"
    assert revision_hashes(data) == [
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(b"%PDF-1.7\nA\n%%EOF\nB\n%%EOF\r\n").hexdigest(),
        hashlib.sha256(b"%PDF-1.7\nA\n%%EOF\n").hexdigest(),
    ]
    assert len(revision_hashes(b"%%EOF\n" * 100_000)) == MAX_REVISIONS + 1
