"""Records on the request pages and their downloads: who sees which PDF, and what a stranger gets."""

from io import BytesIO
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.translation import gettext
from pypdf import PdfReader

from disclosures import tasks
from disclosures.models import AuditEvent, Record, RecordJob, ResponseVersion, Variant
from disclosures.services.audit import record_event
from disclosures.services.publication import approve_publication
from disclosures.services.records import run_record_job, schedule_records
from disclosures.services.requests import issue_request
from disclosures.states import Action, State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member

SECRET = "秘密の学習データ提供元はクモ出版です"
ANSWERS = {
    "questions": {
        "1": {"tier": "public", "answer": "学習データには日本のアニメ作品は含まれていません。"},
        "2": {"tier": "trade_secret", "reason": "営業秘密", "answer": SECRET},
    },
}


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).replace("\n", "")


@pytest.fixture
def submitted(issued_request, submitter, django_capture_on_commit_callbacks):
    """An issued request with a first version whose public and complete PDFs are done."""
    ResponseVersion.objects.create(request=issued_request, number=1, answers=ANSWERS, submitted_by=submitter)
    with django_capture_on_commit_callbacks(execute=True):
        event = record_event(action=Action.SUBMIT, actor=submitter, request=issued_request, data={"version": 1})
        schedule_records(event=event)
    return issued_request


def complete_record(request) -> Record:
    return Record.objects.get(request=request, variant=Variant.COMPLETE)


def public_record(request) -> Record:
    return Record.objects.get(request=request, variant=Variant.PUBLIC)


@pytest.mark.django_db
def test_the_officials_page_says_being_prepared_until_the_record_is_done_then_links_it_with_its_hash(
    client, ministry, developer, official, login, django_capture_on_commit_callbacks
):
    draft = DisclosureRequestFactory(ministry=ministry, developer=developer, drafted_by=official, state=State.DRAFT)
    with mock.patch.object(tasks.render_record, "delay"), django_capture_on_commit_callbacks(execute=True):
        issue_request(request=draft, by=official)
    login(client, official)
    page = reverse("official:request_detail", args=[draft.public_id])

    before = client.get(page)
    assert before.status_code == 200
    assert gettext("Being prepared") in before.text
    assert "/records/" not in before.text

    job = RecordJob.objects.get(request=draft)
    run_record_job(job.pk)
    record = Record.objects.get(job=job)
    after = client.get(page)
    assert reverse("record_download", args=[record.public_id]) in after.text
    assert record.sha256 in after.text
    assert gettext("Being prepared") not in after.text


@pytest.mark.django_db
def test_the_developers_responder_downloads_the_complete_pdf_with_the_confidential_answers(
    client, submitted, responder, login
):
    record = complete_record(submitted)
    login(client, responder)

    page = client.get(reverse("developer:request_detail", args=[submitted.public_id]))
    assert reverse("record_download", args=[record.public_id]) in page.text

    response = client.get(reverse("record_download", args=[record.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert SECRET in pdf_text(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_the_developers_submitter_with_a_verified_second_factor_downloads_the_complete_pdf(
    client, submitted, submitter, login
):
    login(client, submitter)
    response = client.get(reverse("record_download", args=[complete_record(submitted).public_id]))
    assert response.status_code == 200
    assert SECRET in pdf_text(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_the_ministrys_official_downloads_the_complete_pdf(client, submitted, official, login):
    login(client, official)
    response = client.get(reverse("record_download", args=[complete_record(submitted).public_id]))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.RESPONDER, Role.SUBMITTER])
def test_a_user_of_another_organisation_gets_404_for_both_pdfs_of_an_unpublished_request(
    client, submitted, login, role
):
    stranger = member(role)
    login(client, stranger)
    for record in (complete_record(submitted), public_record(submitted)):
        assert client.get(reverse("record_download", args=[record.public_id])).status_code == 404


@pytest.mark.django_db
def test_a_user_of_another_organisation_gets_404_for_the_complete_pdf_even_once_published(
    client, submitted, supervisor, login
):
    approve_publication(request=submitted, by=supervisor)
    login(client, member(Role.RESPONDER))
    assert client.get(reverse("record_download", args=[complete_record(submitted).public_id])).status_code == 404
    assert client.get(reverse("record_download", args=[public_record(submitted).public_id])).status_code == 200


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_public_pdf_only_once_the_request_is_published(client, submitted, supervisor):
    public_url = reverse("record_download", args=[public_record(submitted).public_id])
    complete_url = reverse("record_download", args=[complete_record(submitted).public_id])
    assert client.get(public_url).status_code == 404
    assert client.get(complete_url).status_code == 404

    approve_publication(request=submitted, by=supervisor)

    response = client.get(public_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    text = pdf_text(b"".join(response.streaming_content))
    assert submitted.reference in text
    assert SECRET not in text
    assert client.get(complete_url).status_code == 404


def swap_stored_file(record: Record, content: bytes) -> None:
    """What an insider with storage access does: another PDF under the record's name."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.delete(record.file.name)
    assert default_storage.save(record.file.name, ContentFile(content)) == record.file.name


@pytest.mark.django_db
def test_a_stored_file_swapped_for_another_records_is_refused_with_an_integrity_message_and_audited(
    client, submitted, official, login
):
    from django.core.files.storage import default_storage

    record, other = complete_record(submitted), public_record(submitted)
    with default_storage.open(other.file.name, "rb") as handle:
        swap_stored_file(record, handle.read())  # a genuinely signed PDF, but not this record's
    login(client, official)

    response = client.get(reverse("record_download", args=[record.public_id]))
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    assert "この記録の保存ファイルは完全性の検査に合格しませんでした" in response.text
    event = AuditEvent.objects.get(action="record_integrity_failed")
    assert event.data == {"record": str(record.public_id), "file": record.file.name}
    assert event.actor == official


@pytest.mark.django_db
def test_a_missing_stored_file_is_refused_with_the_same_message_not_a_server_error(client, submitted, official, login):
    from django.core.files.storage import default_storage

    record = complete_record(submitted)
    default_storage.delete(record.file.name)
    login(client, official)
    response = client.get(reverse("record_download", args=[record.public_id]))
    assert response.status_code == 410
    assert "この記録の保存ファイルは完全性の検査に合格しませんでした" in response.text


@pytest.mark.django_db
def test_stored_file_problems_names_each_swapped_or_missing_file_and_nothing_else(submitted):
    from django.core.files.storage import default_storage

    from disclosures.records.integrity import stored_file_problems

    assert list(stored_file_problems()) == []
    record, other = complete_record(submitted), public_record(submitted)
    swap_stored_file(record, b"%PDF-1.7 a different file")
    default_storage.delete(other.file.name)
    problems = list(stored_file_problems())
    assert len(problems) == 2
    swapped, missing = sorted(problems, key=lambda line: str(record.public_id) not in line)
    assert str(record.public_id) in swapped and record.sha256 in swapped and "SHA-256" in swapped
    assert str(other.public_id) in missing and "missing" in missing


def test_hashing_a_stored_file_reads_it_in_chunks_however_large(monkeypatch):
    import hashlib
    import io

    from disclosures.records import integrity

    class Source(io.BytesIO):
        largest = 0

        def read(self, size=-1):
            assert size > 0, "never the whole file at once"
            chunk = super().read(size)
            Source.largest = max(Source.largest, len(chunk))
            return chunk

    data = b"x" * (5 * integrity.CHUNK_SIZE + 7)
    copy = io.BytesIO()
    assert integrity.copy_and_hash(Source(data), copy) == hashlib.sha256(data).hexdigest()
    assert copy.getvalue() == data
    assert Source.largest == integrity.CHUNK_SIZE
