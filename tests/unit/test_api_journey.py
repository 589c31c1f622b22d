"""The whole developer journey through the API alone gives the same versions and records as the forms.

Two identical requests are answered, one in the browser (the answer form, the file upload, the submit
button), one by a company's system with a token (sections, rows by id, a file, submit), through a
clarification round and a resubmission. The frozen versions and the record jobs must be the same.
"""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import RecordJob
from disclosures.selectors.answers import public_answers
from disclosures.services import requests as lifecycle
from disclosures.states import State
from tests.answers_data import complete_answers
from tests.api_data import form_data, token_client
from tests.auth import login
from tests.factories import DisclosureRequestFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]
EXTRA_SOURCE = {
    "name": "Synthetic dialogues",
    "kind": "synthetic",
    "modality": "text",
    "consent_basis": "none",
    "tier": "public",
    "reason": "",
}
EXTRA_FILTER = {
    "kind": "output_similarity",
    "blocks": "Near copies of registered works",
    "pipeline_stage": "output",
    "live_since": "2025-06-01",
    "tier": "ministry_only",
    "reason": "Thresholds would help evade the filter.",
}


def final_document() -> dict:
    document = complete_answers()
    document["sources"].append(EXTRA_SOURCE)
    document["output_filters"].append(EXTRA_FILTER)
    document["questions"] = {
        "1": {"answer": "含まれますが、権利者の許諾を得ています。", "tier": "public", "reason": ""}
    }
    return document


def make_request(ministry, developer, official):
    request = DisclosureRequestFactory(
        ministry=ministry, developer=developer, drafted_by=official, state=State.ISSUED, sections=ALL
    )
    request.questions.create(position=1, text="アニメ作品は学習に含まれていますか。")
    return request


def through_the_forms(request, responder, submitter, official):
    responder_page, submitter_page = Client(), Client()
    login(responder_page, responder)
    login(submitter_page, submitter)
    args = [request.public_id]
    ack = reverse("developer:request_transition", args=[*args, "acknowledge"])
    assert responder_page.post(ack).status_code == 302
    answers = reverse("developer:answers", args=args)
    assert responder_page.post(answers, form_data(request, final_document(), 0)).status_code == 302
    upload = SimpleUploadedFile("evidence.pdf", PDF)
    attach = reverse("developer:answer_section", args=[*args, "attachments"])
    data = form_data(request, final_document(), 1, attachment=upload, attachment_tier="public")
    assert responder_page.post(attach, data).status_code in (200, 302)
    assert submitter_page.post(reverse("developer:answers_submit", args=args), {"confirm": "1"}).status_code == 302
    clarify(request, official)
    revised = final_document()
    revised["governance"]["officer_name"] = "佐藤花子"
    revision = request.response_draft.revision
    assert responder_page.post(answers, form_data(request, revised, revision)).status_code == 302
    assert submitter_page.post(reverse("developer:answers_submit", args=args), {"confirm": "1"}).status_code == 302


def through_the_api(request, submitter, official):
    api = token_client(submitter)
    base = {"public_id": request.public_id}

    def address(name, **kwargs):
        return reverse(f"api:developer-request-{name}", kwargs={**base, **kwargs})

    def put(target, body, etag):
        response = api.put(target, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag)
        assert response.status_code == 200, response.json()
        return response["ETag"]

    # Read what is asked, acknowledge, fill every section (rows listed, then one more row by its id).
    asked = api.get(address("detail")).json()
    assert asked["sections"] == ALL and asked["questions"][0]["position"] == 1
    assert api.post(address("acknowledge")).status_code == 200
    document = final_document()
    etag = api.get(address("draft"))["ETag"]
    for section in ALL:
        body = document[section]
        if section in ("sources", "output_filters"):
            body = body[:-1]
        etag = put(address("section", section=section), body, etag)
    etag = put(address("row", section="sources", row_id="2"), EXTRA_SOURCE, etag)
    etag = put(address("row", section="output_filters", row_id="1"), EXTRA_FILTER, etag)
    etag = put(address("question", position=1), document["questions"]["1"], etag)
    upload = SimpleUploadedFile("evidence.pdf", PDF)
    assert api.post(address("attachments"), {"file": upload, "tier": "public"}, format="multipart").status_code == 201
    assert api.post(address("submit"), HTTP_IF_MATCH=etag).status_code == 200
    clarify(request, official)
    # The clarification round: read the draft again, change one answer, resubmit.
    etag = api.get(address("draft"))["ETag"]
    governance = {**document["governance"], "officer_name": "佐藤花子"}
    etag = put(address("section", section="governance"), governance, etag)
    resubmitted = api.post(address("submit"), HTTP_IF_MATCH=etag)
    assert resubmitted.status_code == 200 and resubmitted.json()["state"] == State.SUBMITTED


def clarify(request, official):
    request.refresh_from_db()
    lifecycle.request_clarification(
        request=request, by=official, points="担当者を確認してください。", deadline=today_in_japan() + timedelta(days=7)
    )


def without_file_ids(answers: dict) -> dict:
    """Attachment ids are random per upload; everything else about a file (name, size, SHA-256) must agree."""
    files = [{k: v for k, v in entry.items() if k != "id"} for entry in answers.get("attachments", [])]
    return {**answers, "attachments": files}


def test_the_api_journey_gives_the_same_versions_and_records_as_the_forms(
    ministry, developer, official, responder, submitter
):
    by_forms = make_request(ministry, developer, official)
    by_api = make_request(ministry, developer, official)
    through_the_forms(by_forms, responder, submitter, official)
    through_the_api(by_api, submitter, official)

    form_versions = list(by_forms.response_versions.order_by("number"))
    api_versions = list(by_api.response_versions.order_by("number"))
    assert [v.number for v in form_versions] == [v.number for v in api_versions] == [1, 2]
    for made_by_form, made_by_api in zip(form_versions, api_versions, strict=True):
        assert without_file_ids(made_by_api.answers) == without_file_ids(made_by_form.answers)
        assert without_file_ids(public_answers(made_by_api)) == without_file_ids(public_answers(made_by_form))
    second = api_versions[1].answers
    assert [row["row_id"] for row in second["sources"]] == ["0", "1", "2"]
    assert second["governance"]["officer_name"] == "佐藤花子"
    assert second["attachments"][0]["name"] == "evidence.pdf"

    def records(request):
        return sorted(
            RecordJob.objects.filter(request=request).values_list("kind", "variant", "version_number", "status")
        )

    assert records(by_api) == records(by_forms)
    assert any(kind == "submission" for kind, *_rest in records(by_api))
    for request in (by_forms, by_api):
        request.refresh_from_db()
        assert request.state == State.SUBMITTED
