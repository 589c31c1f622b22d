"""Records on the request pages and their downloads: who sees which PDF, and what a stranger gets."""

from io import BytesIO
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader

from disclosures import tasks
from disclosures.models import Publication, Record, RecordJob, ResponseVersion, Variant
from disclosures.services.audit import record_event
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
    Publication.objects.create(request=submitted, approved_by=supervisor, approved_at=timezone.now())
    login(client, member(Role.RESPONDER))
    assert client.get(reverse("record_download", args=[complete_record(submitted).public_id])).status_code == 404
    assert client.get(reverse("record_download", args=[public_record(submitted).public_id])).status_code == 200


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_public_pdf_only_once_the_request_is_published(client, submitted, supervisor):
    public_url = reverse("record_download", args=[public_record(submitted).public_id])
    complete_url = reverse("record_download", args=[complete_record(submitted).public_id])
    assert client.get(public_url).status_code == 404
    assert client.get(complete_url).status_code == 404

    Publication.objects.create(request=submitted, approved_by=supervisor, approved_at=timezone.now())

    response = client.get(public_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    text = pdf_text(b"".join(response.streaming_content))
    assert submitted.reference in text
    assert SECRET not in text
    assert client.get(complete_url).status_code == 404
