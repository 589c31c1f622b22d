"""A filed concern makes one signed, logged filing receipt that only the filer and the ministry can download."""

import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from concerns import services
from disclosures import tasks
from disclosures.models import LogEntry, PendingLogEntry, Record, RecordJob, RecordKind, Variant
from disclosures.records.logcheck import check_log
from disclosures.records.verify import verify_pdf
from disclosures.selectors.log import entry_json
from disclosures.services.log import integrate_pending_entries
from disclosures.services.records import run_record_job
from portal.accounts.models import Role
from tests.concerns_data import concern_input, rights_holder
from tests.factories import MinistryFactory, RightsHolderFactory, member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def holder(db):
    return rights_holder(RightsHolderFactory(name_ja="株式会社スタジオ風", name_en="Studio Kaze"))


def file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks, **overrides):
    concern = services.start_concern(
        by=holder,
        data=concern_input(
            ministry=ministry,
            developer=developer,
            evidence_links="https://example.jp/output-1\njavascript:alert(1)",
            **overrides,
        ),
    )
    evidence = services.add_evidence(concern=concern, by=holder, name="still.png", data=PNG, description="生成画像")
    with mock.patch.object(tasks.render_record, "delay") as delay, django_capture_on_commit_callbacks(execute=True):
        concern = services.file_concern(concern=concern, by=holder)
    job = RecordJob.objects.get(concern=concern)
    delay.assert_called_once_with(job.pk)
    record = run_record_job(job.pk)
    return concern, evidence, record


def pdf_text(record: Record) -> str:
    with default_storage.open(record.file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\u200b", "")


def test_filing_schedules_one_receipt_after_commit_and_nothing_before(
    holder, ministry, developer, django_capture_on_commit_callbacks
):
    concern = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer))
    assert not RecordJob.objects.filter(concern=concern).exists()  # a draft leaves no record
    with mock.patch.object(tasks.render_record, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.file_concern(concern=concern, by=holder)
            job = RecordJob.objects.get(concern=concern)
            assert (job.kind, job.variant, job.request_id, job.event_id) == ("concern", Variant.COMPLETE, None, None)
            delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(job.pk)


def test_a_filed_concern_produces_one_signed_record_in_the_log(
    holder, ministry, developer, django_capture_on_commit_callbacks
):
    concern, _evidence, record = file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks)
    assert record.kind == RecordKind.CONCERN and record.concern == concern and record.request is None
    # A redelivered message signs nothing twice.
    RecordJob.objects.filter(pk=record.job_id).update(status=RecordJob.Status.PENDING)
    run_record_job(record.job_id)
    assert Record.objects.filter(concern=concern).count() == 1
    with default_storage.open(record.file.name, "rb") as handle:
        data = handle.read()
    verification = verify_pdf(data)
    assert verification.valid and verification.certified, verification.problems
    assert PendingLogEntry.objects.filter(record=record).exists()
    integrate_pending_entries()
    entry = LogEntry.objects.get(record=record)
    assert (entry.kind, entry.reference, entry.record_sha256) == ("concern", concern.reference, record.sha256)
    # The public log says only that a receipt with this hash exists: no filer, developer, model or work.
    public = entry_json(entry)
    assert set(public) == {"index", "record_sha256", "kind", "reference", "logged_at", "leaf_hash"}
    assert check_log(files=True).problems == []


def test_the_receipt_lists_the_filing_in_both_languages_with_links_as_text_and_files_by_hash(
    holder, ministry, developer, django_capture_on_commit_callbacks
):
    concern, evidence, record = file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks)
    text = pdf_text(record)
    for expected in (
        concern.reference,
        "受付番号",
        "Reference",
        "進撃の巨人",
        "Attack on Titan",
        "株式会社スタジオ風",
        "Studio Kaze",
        "https://example.jp/output-1",
        "javascript:alert(1)",
        "still.png",
        "Disclosure of training sources",
    ):
        assert expected in text, expected
    assert evidence.sha256 in "".join(text.split())  # wrapped over lines
    with default_storage.open(record.file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Links are text, not clickable annotations; the uploaded still is listed, not embedded.
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []]
    assert [a["/Subtype"] for a in annotations] == ["/Widget"]  # the signature field only, no /Link
    assert not any(page.images for page in reader.pages)


def test_only_the_filer_and_the_ministry_download_the_receipt(
    client, login, holder, ministry, developer, official, responder, django_capture_on_commit_callbacks
):
    concern, _evidence, record = file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks)
    url = reverse("concerns:receipt", args=[concern.public_id])
    with default_storage.open(record.file.name, "rb") as handle:
        stored = handle.read()
    for user in (holder, member(Role.RIGHTS_HOLDER, holder.organisation), official):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == stored
        assert response["Cache-Control"] == "private, no-store"
    for user, status in (
        (rights_holder(), 404),
        (member(Role.OFFICIAL, MinistryFactory()), 404),
        (responder, 403),
    ):
        login(client, user)
        assert client.get(url).status_code == status
    client.logout()
    assert client.get(url).status_code == 302
    # The generic record download does not serve it: it is not a request's record.
    login(client, holder)
    assert client.get(reverse("record_download", args=[record.public_id])).status_code == 404


def test_the_filer_finds_the_receipt_on_the_detail_page_and_checks_it_on_the_verify_page(
    client, login, holder, ministry, developer, django_capture_on_commit_callbacks
):
    concern, _evidence, _record = file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks)
    integrate_pending_entries()
    login(client, holder)
    page = client.get(reverse("concerns:detail", args=[concern.public_id])).content.decode()
    assert reverse("concerns:receipt", args=[concern.public_id]) in page
    pdf = b"".join(client.get(reverse("concerns:receipt", args=[concern.public_id])).streaming_content)
    client.logout()
    upload = io.BytesIO(pdf)
    upload.name = "receipt.pdf"
    response = client.post(reverse("verify"), {"pdf": upload})
    assert response.status_code == 200
    assert response.context["result"].valid
    assert response.context["log_entry"].reference == concern.reference and response.context["log"].included


def test_a_tampered_receipt_is_not_served(
    client, login, holder, ministry, developer, django_capture_on_commit_callbacks
):
    concern, _evidence, record = file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks)
    default_storage.delete(record.file.name)
    default_storage.save(record.file.name, io.BytesIO(b"%PDF-1.7 forged"))
    login(client, holder)
    response = client.get(reverse("concerns:receipt", args=[concern.public_id]))
    assert response.status_code == 410
    assert concern.events.filter(action="record_integrity_failed", tell_filer=False).exists()


def test_a_record_belongs_to_a_request_or_a_concern_never_both(
    holder, ministry, developer, issued_request, django_capture_on_commit_callbacks
):
    _concern, _evidence, record = file_with_receipt(holder, ministry, developer, django_capture_on_commit_callbacks)
    with pytest.raises(IntegrityError), transaction.atomic():
        Record.objects.filter(pk=record.pk).update(request=issued_request)
    with pytest.raises(IntegrityError), transaction.atomic():
        Record.objects.filter(pk=record.pk).update(concern=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordJob.objects.filter(pk=record.job_id).update(kind=RecordKind.DECISION)


def test_rebuild_records_gives_concerns_filed_before_receipts_existed_their_receipt(holder, ministry, developer):
    from django.core.management import call_command

    concern = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer))
    with mock.patch.object(tasks.render_record, "delay"):
        concern = services.file_concern(concern=concern, by=holder)
    RecordJob.objects.filter(concern=concern).delete()  # as filed before this release
    draft = services.start_concern(by=holder, data=concern_input(ministry=ministry, developer=developer))
    with mock.patch.object(tasks.render_record, "delay"):
        call_command("rebuild_records", stdout=io.StringIO())
    assert RecordJob.objects.get(concern=concern).status == RecordJob.Status.PENDING
    assert not RecordJob.objects.filter(concern=draft).exists()
