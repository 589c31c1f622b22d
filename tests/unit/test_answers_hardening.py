"""Answers never break on hostile input: invalid Unicode, deep JSON and forged attachment ids get clear errors."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from disclosures.forms.answers import AnswerForms, data_from_document
from disclosures.services import responses as services
from disclosures.services.responses import clean_document, draft_for
from tests.answers_data import complete_answers
from tests.auth import login

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]
SURROGATE = "\ud800"


@pytest.fixture(autouse=True)
def _all_sections(issued_request):
    issued_request.sections = ALL
    issued_request.save()


def answers_url(request, name="developer:answers"):
    return reverse(name, args=[request.public_id])


def signed_in(user) -> Client:
    client = Client()
    login(client, user)
    return client


def import_file(client, request, text: str, revision: int = 0):
    upload = SimpleUploadedFile("answers.json", text.encode("ascii"), content_type="application/json")
    return client.post(answers_url(request, "developer:answers_import"), {"document": upload, "revision": revision})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_import_with_a_lone_surrogate_is_refused_with_a_clear_error(issued_request, responder):
    client = signed_in(responder)
    document = complete_answers()
    document["governance"]["officer_name"] = "Name" + SURROGATE
    response = import_file(client, issued_request, json.dumps(document))  # json writes it as \ud800
    assert response.status_code == 302
    errors = messages_of(response)
    assert any("governance.officer_name" in text and "Unicode" in text for text in errors), errors
    assert draft_for(issued_request).revision == 0  # nothing imported
    # Every page that shows the answer still answers.
    assert client.get(answers_url(issued_request), follow=True).status_code == 200


def test_a_surrogate_in_a_key_is_refused_as_well(issued_request, responder):
    with pytest.raises(ValidationError) as refused:
        services.import_answers(
            request=issued_request, by=responder, document={"provider": {SURROGATE: "x"}}, revision=0
        )
    assert "Unicode" in " ".join(refused.value.messages)
    "".join(refused.value.messages).encode("utf-8")  # the message itself is printable


def test_the_answer_forms_refuse_invalid_unicode_for_every_entry_point(issued_request):
    document = complete_answers()
    document["sources"][0]["name"] = SURROGATE
    document["provider"]["model_names"] = ["Kumo", SURROGATE]
    _cleaned, problems = clean_document(issued_request, document, strict=True)
    fields = {problem.anchor for problem in problems}
    assert {"id_sources-0-name", "id_provider-model_names"} <= fields
    # Bound forms never carry the value on to the page.
    forms = AnswerForms(issued_request, data_from_document(issued_request, document))
    assert not forms.is_valid()
    page = "".join(str(part.form or part.rows) for part in forms.parts)
    page.encode("utf-8")


def test_a_draft_holding_a_surrogate_still_shows_and_cannot_be_submitted(issued_request, responder, submitter):
    draft = draft_for(issued_request)
    draft.answers = {
        **complete_answers(),
        "governance": {**complete_answers()["governance"], "officer_name": SURROGATE},
    }
    draft.save()
    client = signed_in(responder)
    assert client.get(answers_url(issued_request), follow=True).status_code == 200
    governance = reverse("developer:answer_section", args=[issued_request.public_id, "governance"])
    assert client.get(governance).status_code == 200
    assert (
        signed_in(submitter).get(reverse("developer:answer_review", args=[issued_request.public_id])).status_code == 200
    )
    response = signed_in(submitter).post(answers_url(issued_request, "developer:answers_submit"), {"confirm": "1"})
    assert response.status_code == 400 and issued_request.response_versions.count() == 0


def test_deeply_nested_json_is_a_form_error_not_a_crash(issued_request, responder):
    client = signed_in(responder)
    for text in ("[" * 100_000 + "]" * 100_000, '{"provider": ' + "[" * 40 + "]" * 40 + "}"):
        response = import_file(client, issued_request, text)
        assert response.status_code == 302
        assert any("深" in text or "nested" in text for text in messages_of(response)), messages_of(response)
    assert draft_for(issued_request).revision == 0


def test_the_import_errors_are_in_the_readers_language(issued_request, responder):
    client = signed_in(responder)
    response = import_file(client, issued_request, json.dumps({"provider": {"legal_name": SURROGATE}}))
    assert any("Unicode" in text and "。" in text for text in messages_of(response)), messages_of(response)
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        response = import_file(client, issued_request, json.dumps({"provider": {"legal_name": SURROGATE}}))
        assert any("not valid Unicode" in text for text in messages_of(response)), messages_of(response)


@pytest.mark.parametrize("value", ["../../etc", "not-a-uuid", "0" * 40])
def test_a_forged_attachment_id_is_a_form_error(issued_request, responder, value):
    data = data_from_document(issued_request, complete_answers())
    payload = {key: data.getlist(key) for key in data}
    payload.update(revision="0", remove_attachment=value)
    attachments = reverse("developer:answer_section", args=[issued_request.public_id, "attachments"])
    response = signed_in(responder).post(attachments, payload)
    assert response.status_code == 400
    assert "このファイルは回答に添付されていません。" in response.content.decode()
