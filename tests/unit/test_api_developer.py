"""The developer endpoints: concurrency with the browser form, validation, limits, files, transitions, records."""

import hashlib
import json

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from disclosures.models import Attachment, AuditEvent, Record, RecordJob, ResponseDraft
from disclosures.selectors import answers as answer_selectors
from disclosures.services import responses
from disclosures.services.audit import record_event
from disclosures.states import Action, State
from portal.accounts.models import ApiToken
from tests.answers_data import complete_answers
from tests.api_data import form_data as post_data
from tests.api_data import token_client
from tests.auth import login

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture(autouse=True)
def _all_sections(issued_request):
    issued_request.sections = ALL
    issued_request.save()


def url(name, request, **kwargs):
    return reverse(f"api:developer-request-{name}", kwargs={"public_id": request.public_id, **kwargs})


def put(client, address, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return client.put(address, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def api(submitter):
    return token_client(submitter)


# Optimistic concurrency, with the browser form on the same draft


def test_reading_the_draft_gives_its_revision_as_etag_and_writes_need_it(api, issued_request):
    read = api.get(url("draft", issued_request))
    assert read["ETag"] == '"draft-0"' and read.json()["revision"] == 0
    sources = complete_answers()["sources"]
    missing = put(api, url("section", issued_request, section="sources"), sources)
    assert missing.status_code == 428
    assert missing.json()["etag"] == '"draft-0"'
    saved = put(api, url("section", issued_request, section="sources"), sources, read["ETag"])
    assert saved.status_code == 200 and saved["ETag"] == '"draft-1"'
    assert [row["name"] for row in responses.draft_for(issued_request).answers["sources"]] == [
        "Common Crawl 2024",
        "Studio archive",
    ]


def test_an_api_edit_after_a_browser_save_gets_412_with_the_current_revision(api, issued_request, responder):
    browser = Client()
    login(browser, responder)
    document = complete_answers()
    assert (
        browser.post(
            reverse("developer:answers", args=[issued_request.public_id]), post_data(issued_request, document, 0)
        ).status_code
        == 302
    )
    response = put(api, url("section", issued_request, section="governance"), document["governance"], '"draft-0"')
    assert response.status_code == 412
    body = response.json()
    assert (body["type"], body["revision"], body["etag"]) == ("urn:article16:problem:stale-revision", 1, '"draft-1"')
    assert responses.draft_for(issued_request).revision == 1


def test_a_browser_save_after_an_api_edit_shows_the_forms_conflict_view(api, issued_request, responder):
    document = complete_answers()
    assert (
        put(api, url("section", issued_request, section="provider"), document["provider"], '"draft-0"').status_code
        == 200
    )
    browser = Client()
    login(browser, responder)
    # The form was loaded at revision 0, before the API's save.
    response = browser.post(
        reverse("developer:answers", args=[issued_request.public_id]), post_data(issued_request, document, 0)
    )
    assert response.status_code == 409
    assert response.context["conflict"]["differences"]
    autosave = browser.post(
        reverse("developer:answers", args=[issued_request.public_id]),
        post_data(issued_request, document, 0),
        HTTP_X_AUTOSAVE="1",
    )
    assert autosave.status_code == 409 and autosave.json()["revision"] == 1


def test_the_service_conflict_under_the_row_lock_is_a_412_too(api, issued_request, monkeypatch):
    """Another save between the API's check and the service's locked check: the service's DraftConflict."""
    from disclosures.api import developer

    monkeypatch.setattr(developer, "revision_from_if_match", lambda request, draft: draft.revision - 1)
    ResponseDraft.objects.create(request=issued_request, revision=3)
    response = put(api, url("section", issued_request, section="governance"), {"tier": "public"}, '"draft-3"')
    assert response.status_code == 412 and response.json()["revision"] == 3


# Validation: nothing half-saved, every error with its JSON pointer


def test_an_unknown_field_or_wrong_type_is_a_422_with_pointers_and_nothing_is_saved(api, issued_request):
    rows = [{"name": "Set", "tier": "public", "colour": "red"}, {"name": "Other", "size": "big", "tier": "public"}]
    response = put(api, url("section", issued_request, section="sources"), rows, '"draft-0"')
    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert {"/sources/0/colour", "/sources/1/size"} <= pointers
    assert responses.draft_for(issued_request).revision == 0


def test_content_the_answer_definition_refuses_is_a_422_with_the_services_pointer(api, issued_request):
    rows = [{"name": "Set", "tier": "public", "top_domains": ["not a domain!"]}]
    response = put(api, url("section", issued_request, section="sources"), rows, '"draft-0"')
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"].startswith("/sources/0/top_domains")
    assert responses.draft_for(issued_request).revision == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status", "kind"),
    [
        ("{not json", "application/json", 400, "malformed-body"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "malformed-body"),
        ("name=x", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
    ],
)
def test_malformed_bodies_are_4xx_problems(api, issued_request, body, content_type, status, kind):
    response = api.put(
        url("section", issued_request, section="governance"), body, content_type=content_type, HTTP_IF_MATCH='"draft-0"'
    )
    assert response.status_code == status
    assert response.json()["type"] == f"urn:article16:problem:{kind}"


def test_a_body_over_the_limit_is_413(api, issued_request, settings):
    settings.API_JSON_MAX_BYTES = 2048
    body = {"tier": "public", "copyright_policy": "x" * 4000}
    response = put(api, url("section", issued_request, section="governance"), body, '"draft-0"')
    assert response.status_code == 413
    assert response.json()["type"] == "urn:article16:problem:body-too-large"


def test_a_section_the_request_does_not_ask_is_404(api, issued_request):
    issued_request.sections = ["sources"]
    issued_request.save()
    response = put(api, url("section", issued_request, section="governance"), {"tier": "public"}, '"draft-0"')
    assert response.status_code == 404


# Rows by their stable id


def test_rows_are_replaced_added_and_removed_by_row_id_leaving_the_others_alone(api, issued_request):
    sources = complete_answers()["sources"]
    put(api, url("section", issued_request, section="sources"), sources, '"draft-0"')
    row = {**sources[1], "name": "Studio archive (renewed)"}
    assert put(api, url("row", issued_request, section="sources", row_id="1"), row, '"draft-1"').status_code == 200
    added = {"name": "Synthetic set", "kind": "synthetic", "tier": "public"}
    assert put(api, url("row", issued_request, section="sources", row_id="syn"), added, '"draft-2"').status_code == 200
    channel = {"kind": "email", "address": "ip@kumo.example.jp", "tier": "public"}
    assert (
        put(api, url("row", issued_request, section="takedown", row_id="mail"), channel, '"draft-3"').status_code == 200
    )
    removed = api.delete(url("row", issued_request, section="sources", row_id="0"), HTTP_IF_MATCH='"draft-4"')
    assert removed.status_code == 200
    draft = responses.draft_for(issued_request)
    assert [(r["row_id"], r["name"]) for r in draft.answers["sources"]] == [
        ("1", "Studio archive (renewed)"),
        ("syn", "Synthetic set"),
    ]
    assert draft.answers["sources"][0]["tier"] == "trade_secret"
    assert [c["row_id"] for c in draft.answers["takedown"]["channels"]] == ["mail"]


def test_a_row_whose_id_differs_from_its_address_or_that_is_empty_is_refused(api, issued_request):
    wrong = put(
        api, url("row", issued_request, section="sources", row_id="a"), {"row_id": "b", "name": "x"}, '"draft-0"'
    )
    assert wrong.status_code == 422
    empty = put(api, url("row", issued_request, section="sources", row_id="a"), {"tier": "public"}, '"draft-0"')
    assert empty.status_code == 422
    assert responses.draft_for(issued_request).revision == 0


def test_a_free_question_is_answered_by_its_position(api, issued_request):
    issued_request.questions.create(position=1, text="アニメは含まれますか。")
    body = {"answer": "含まれません。", "tier": "public"}
    assert put(api, url("question", issued_request, position=1), body, '"draft-0"').status_code == 200
    assert responses.draft_for(issued_request).answers["questions"]["1"]["answer"] == "含まれません。"
    assert put(api, url("question", issued_request, position=2), body, '"draft-1"').status_code == 404


def test_a_whole_document_imports_and_what_does_not_fit_is_reported(api, issued_request):
    document = {**complete_answers(), "mystery": {"x": 1}}
    response = api.post(
        url("import", issued_request), json.dumps(document), content_type="application/json", HTTP_IF_MATCH='"draft-0"'
    )
    assert response.status_code == 200
    body = response.json()
    assert body["draft"]["revision"] == 1 and response["ETag"] == '"draft-1"'
    assert any("mystery" in line for line in body["reported"])


# Files


def test_a_file_is_attached_with_its_real_type_checked_and_removed_again(api, issued_request):
    upload = SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")
    response = api.post(url("attachments", issued_request), {"file": upload, "tier": "public"}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    listed = api.get(url("attachments", issued_request)).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert api.delete(url("attachment", issued_request, attachment_id=body["id"])).status_code == 204
    assert not Attachment.objects.exists()


def test_a_file_whose_content_is_not_its_type_or_too_large_is_refused(api, issued_request, settings):
    fake = SimpleUploadedFile("evidence.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, content_type="application/pdf")
    response = api.post(url("attachments", issued_request), {"file": fake}, format="multipart")
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/attachment"
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200_000, content_type="application/pdf")
    assert api.post(url("attachments", issued_request), {"file": big}, format="multipart").status_code == 413
    assert not Attachment.objects.exists()


# Transitions


def test_acknowledging_twice_is_a_409(api, issued_request):
    assert api.post(url("acknowledge", issued_request)).json()["state"] == State.ACKNOWLEDGED
    again = api.post(url("acknowledge", issued_request))
    assert again.status_code == 409
    assert again.json()["type"] == "urn:article16:problem:invalid-transition"


def test_a_submitter_declines_with_reasons_and_a_responder_may_not(api, issued_request, responder):
    # Responders hold no tokens; in their browser session the API refuses them as the page does.
    browser = Client()
    login(browser, responder)
    refused = browser.post(url("decline", issued_request), {"reasons": "No."}, content_type="application/json")
    assert refused.status_code == 403
    missing = api.post(url("decline", issued_request), {}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["pointer"] == "/reasons"
    declined = api.post(url("decline", issued_request), {"reasons": "営業秘密のため回答しません。"}, format="json")
    assert declined.status_code == 200 and declined.json()["state"] == State.DECLINED


def test_submitting_an_incomplete_draft_lists_what_is_missing_and_changes_nothing(api, issued_request):
    response = api.post(url("submit", issued_request), HTTP_IF_MATCH='"draft-0"')
    assert response.status_code == 422
    assert "/provider/legal_name" in {error["pointer"] for error in response.json()["errors"]}
    issued_request.refresh_from_db()
    assert issued_request.state == State.ISSUED and not issued_request.response_versions.exists()


def test_a_stale_submit_is_412_so_nobody_submits_what_they_have_not_seen(api, issued_request):
    ResponseDraft.objects.create(request=issued_request, revision=2)
    assert api.post(url("submit", issued_request), HTTP_IF_MATCH='"draft-1"').status_code == 412
    issued_request.refresh_from_db()
    assert issued_request.state == State.ISSUED


# Versions and records


def test_versions_compare_with_the_same_rows_as_the_comparison_page(api, issued_request, submitter):
    from disclosures.models import ResponseVersion

    old = ResponseVersion.objects.create(
        request=issued_request,
        number=1,
        answers={"governance": {"officer_name": "A", "tier": "public"}},
        submitted_by=submitter,
    )
    new = ResponseVersion.objects.create(
        request=issued_request,
        number=2,
        answers={"governance": {"officer_name": "B", "tier": "public"}},
        submitted_by=submitter,
    )
    assert [v["number"] for v in api.get(url("versions", issued_request)).json()["results"]] == [1, 2]
    response = api.get(url("compare", issued_request), {"a": 1, "b": 2})
    expected = answer_selectors.compare(old, new)
    assert [(r["path"], r["old"], r["new"]) for r in response.json()["rows"]] == [
        (r.path, r.old, r.new) for r in expected
    ]
    assert response.json()["changed"] == 1
    assert api.get(url("compare", issued_request), {"a": 1}).status_code == 400
    assert AuditEvent.objects.filter(action="read_comparison").exists()


def _record(request, content: bytes) -> Record:
    event = record_event(action=Action.ACCEPT, actor=None, request=request, to_state=State.ACCEPTED)
    job = RecordJob.objects.create(request=request, event=event, kind="decision", variant="complete")
    return Record.objects.create(
        job=job,
        request=request,
        kind="decision",
        variant="complete",
        title="Decision",
        file=ContentFile(content, name="r.pdf"),
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        page_count=1,
        signed_by="Portal",
    )


def test_a_record_is_downloaded_when_it_matches_its_hash_and_410_when_it_does_not(api, issued_request):
    good = _record(issued_request, PDF)
    listed = api.get(url("records", issued_request)).json()["results"]
    assert [row["id"] for row in listed] == [str(good.public_id)]
    download = api.get(listed[0]["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    tampered = _record(issued_request, PDF + b"% changed")
    refused = api.get(url("record-file", issued_request, record_id=tampered.public_id))
    assert refused.status_code == 410
    assert refused.json()["type"] == "urn:article16:problem:record-integrity-failed"
    assert AuditEvent.objects.filter(action="record_integrity_failed").exists()


# Limits


def test_a_token_over_its_rate_gets_429_with_retry_after(submitter, issued_request, monkeypatch):
    from disclosures.api.auth import TokenRateThrottle

    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/minute"})
    busy = token_client(submitter, scope=ApiToken.Scope.READ)
    calm = token_client(submitter, scope=ApiToken.Scope.READ)
    statuses = [busy.get(url("draft", issued_request)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = busy.get(url("draft", issued_request))
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["type"] == "urn:article16:problem:too-many-requests"
    # Another token of the same person has its own allowance.
    assert calm.get(url("draft", issued_request)).status_code == 200


def test_an_eu_training_content_summary_prefills_the_draft_where_the_fields_overlap(api, issued_request):
    summary = {
        "template": "eu-gpai-training-content-summary",
        "general_information": {"provider": {"name": "Kumo K.K."}, "modalities": ["text"]},
        "data_sources": {
            "public_datasets": {"used": True, "datasets": [{"name": "Common Crawl 2024", "modality": "text"}]},
            "crawled_data": {"used": True, "top_domains": ["example.jp"]},
        },
    }
    response = api.post(
        url("import-eu-summary", issued_request),
        json.dumps(summary),
        content_type="application/json",
        HTTP_IF_MATCH='"draft-0"',
    )
    assert response.status_code == 200, response.json()
    answers = responses.draft_for(issued_request).answers
    assert answers["provider"]["legal_name"] == "Kumo K.K."
    assert "Common Crawl 2024" in [row["name"] for row in answers["sources"]]
    not_the_template = api.post(
        url("import-eu-summary", issued_request),
        json.dumps({"general_information": {"colour": "red"}}),
        content_type="application/json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert not_the_template.status_code == 422
    assert responses.draft_for(issued_request).revision == 1
