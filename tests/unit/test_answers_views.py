import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from disclosures.forms.answers import data_from_document
from disclosures.models import Attachment, StashedInput
from disclosures.services import requests as lifecycle
from disclosures.services import responses as services
from disclosures.services.responses import draft_for
from portal.accounts.models import Role
from tests.answers_data import complete_answers, give_complete_draft
from tests.auth import login
from tests.factories import DisclosureRequestFactory, member

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture(autouse=True)
def _all_sections(issued_request):
    issued_request.sections = ALL
    issued_request.save()


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def url(name, request, *args):
    return reverse(name, args=[request.public_id, *args])


def post_data(request, document, revision, **extra):
    data = data_from_document(request, document)
    payload = {key: data.getlist(key) for key in data}
    payload["revision"] = str(revision)
    payload.update(extra)
    return payload


def section(request, key):
    return url("developer:answer_section", request, key)


def test_a_responder_saves_a_draft_and_sees_when(issued_request, responder):
    client = client_for(responder)
    assert client.get(url("developer:answers", issued_request), follow=True).status_code == 200
    # The whole answer posted to the old one-page address still saves every section.
    response = client.post(url("developer:answers", issued_request), post_data(issued_request, complete_answers(), 0))
    assert response.status_code == 302
    draft = draft_for(issued_request)
    assert draft.revision == 1 and draft.answers["sources"][0]["name"] == "Common Crawl 2024"
    page = client.get(section(issued_request, "sources")).content.decode()
    assert "Common Crawl 2024" in page and 'id="save-status"' in page


def test_autosave_answers_with_the_new_revision(issued_request, responder):
    response = client_for(responder).post(
        url("developer:answers", issued_request),
        post_data(issued_request, complete_answers(), 0),
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200 and response.json()["revision"] == 1


def test_a_second_save_on_an_old_revision_is_refused_with_both_versions_shown(issued_request, responder, submitter):
    first, second = client_for(responder), client_for(submitter)
    mine = complete_answers()
    theirs = complete_answers()
    theirs["sources"][0]["name"] = "Their crawl"
    assert (
        second.post(url("developer:answers", issued_request), post_data(issued_request, theirs, 0)).status_code == 302
    )
    mine["sources"][0]["name"] = "My crawl"
    response = first.post(url("developer:answers", issued_request), post_data(issued_request, mine, 0))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Their crawl" in page and "My crawl" in page
    assert draft_for(issued_request).answers["sources"][0]["name"] == "Their crawl"
    autosave = first.post(
        url("developer:answers", issued_request), post_data(issued_request, mine, 0), headers={"X-Autosave": "1"}
    )
    assert autosave.status_code == 409


def stash_ticket_from_page(client, request) -> str:
    page = client.get(section(request, "sources")).content.decode()
    return re.search(r'name="stash_ticket" value="([^"]+)"', page).group(1)


def test_input_posted_after_the_session_expired_is_restored_after_signing_in(issued_request, responder):
    client = client_for(responder)
    ticket = stash_ticket_from_page(client, issued_request)
    client.logout()  # the session expired while typing
    document = complete_answers()
    document["governance"]["officer_name"] = "入力中の名前"
    response = client.post(
        section(issued_request, "governance"), post_data(issued_request, document, 0, stash_ticket=ticket)
    )
    assert response.status_code == 302 and reverse("login") in response.url
    next_url = parse_qs(urlparse(response.url).query)["next"][0]
    assert "restore=" in next_url
    login(client, responder)
    response = client.get(next_url)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert "入力中の名前" in page
    # Taken once: the token does not restore twice.
    assert "入力中の名前" not in client.get(next_url).content.decode()


def test_an_anonymous_visitor_stores_nothing(issued_request, responder):
    anonymous = Client()
    forged = signing.dumps({"user": responder.pk, "request": str(issued_request.public_id)}, salt="forged")
    for extra in ({}, {"stash_ticket": "junk"}, {"stash_ticket": forged}):
        response = anonymous.post(
            url("developer:answers", issued_request), post_data(issued_request, complete_answers(), 0, **extra)
        )
        assert response.status_code == 302 and "restore" not in response.url
    assert not StashedInput.objects.exists()


def test_a_user_of_another_organisation_stores_nothing(issued_request, responder):
    outsider = member(Role.RESPONDER)
    own = DisclosureRequestFactory(developer=outsider.organisation, state="issued")
    client = client_for(outsider)
    ticket = stash_ticket_from_page(client, own)
    client.logout()
    # Their ticket is for their own request: it stores nothing for another company's request.
    response = client.post(
        url("developer:answers", issued_request), post_data(issued_request, complete_answers(), 0, stash_ticket=ticket)
    )
    assert response.status_code == 302 and "restore" not in response.url
    assert not StashedInput.objects.exists()
    # Nor does the ticket of a responder who has since been deactivated.
    ticket = stash_ticket_from_page(client_for(responder), issued_request)
    responder.is_active = False
    responder.save()
    Client().post(url("developer:answers", issued_request), {"stash_ticket": ticket, "revision": "0"})
    assert not StashedInput.objects.exists()


def test_the_stash_is_restored_only_to_its_author(issued_request, responder, submitter):
    client = client_for(responder)
    ticket = stash_ticket_from_page(client, issued_request)
    client.logout()
    response = client.post(
        url("developer:answers", issued_request), post_data(issued_request, complete_answers(), 0, stash_ticket=ticket)
    )
    next_url = parse_qs(urlparse(response.url).query)["next"][0]
    outsider = client_for(member(Role.RESPONDER))
    assert outsider.get(next_url).status_code == 404
    colleague = client_for(submitter)
    assert colleague.get(next_url, follow=True).status_code == 200
    assert StashedInput.objects.count() == 1  # still there for its author


def test_what_one_user_can_stash_is_bounded(issued_request, responder):
    client = client_for(responder)
    ticket = stash_ticket_from_page(client, issued_request)
    client.logout()
    for _ in range(5):
        client.post(url("developer:answers", issued_request), {"stash_ticket": ticket, "revision": "0", "x": "y"})
    assert StashedInput.objects.count() == 1  # one per user and request: the newest
    others = [DisclosureRequestFactory(developer=issued_request.developer, state="issued") for _ in range(4)]
    for other in others:
        services.stash_input(by=responder, request=other, data={"x": ["y"]})
    assert StashedInput.objects.count() == services.STASH_MAX_PER_USER
    huge = {"x": ["y" * services.STASH_MAX_BYTES]}
    assert services.stash_input(by=responder, request=issued_request, data=huge) is None
    assert StashedInput.objects.count() == services.STASH_MAX_PER_USER


def test_a_validation_failure_keeps_every_field_and_the_uploaded_file(issued_request, responder):
    document = complete_answers()
    document["training_data"]["japanese_share_percent"] = "many"
    data = post_data(issued_request, document, 0, attachment=SimpleUploadedFile("evidence.pdf", PDF))
    data["attachment_tier"] = "public"
    client = client_for(responder)
    response = client.post(section(issued_request, "training_data"), data)
    assert response.status_code == 400
    assert 'value="many"' in response.content.decode() and draft_for(issued_request).revision == 0
    # Files have their own section now: a file posted with the answers is not stored from there.
    assert not Attachment.objects.exists()
    data["attachment"] = SimpleUploadedFile("evidence.pdf", PDF)  # the first post read the file to its end
    response = client.post(section(issued_request, "attachments"), data, follow=True)
    assert response.status_code == 200 and "evidence.pdf" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.original_name == "evidence.pdf" and len(attachment.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", b"MZ\x90\x00\x03 this is an executable"), ("data.csv", b"\x7fELF\x02\x01"), ("pic.png", PDF)],
)
def test_a_file_whose_content_does_not_match_its_name_is_rejected(issued_request, responder, name, content):
    data = post_data(issued_request, complete_answers(), 0, attachment=SimpleUploadedFile(name, content))
    response = client_for(responder).post(section(issued_request, "attachments"), data)
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_rejected(issued_request, responder, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    data = post_data(issued_request, complete_answers(), 0, attachment=SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    assert client_for(responder).post(section(issued_request, "attachments"), data).status_code == 400
    assert not Attachment.objects.exists()


def test_files_are_private_to_the_company_and_to_the_ministry_only_once_submitted(
    issued_request, responder, submitter, official
):
    give_complete_draft(issued_request)
    client = client_for(responder)
    data = {"revision": "0", "attachment": SimpleUploadedFile("e.pdf", PDF), "attachment_tier": "public"}
    client.post(section(issued_request, "attachments"), data)
    attachment = Attachment.objects.get()
    download = client.get(url("developer:attachment", issued_request, attachment.public_id))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    outsider = client_for(member(Role.SUBMITTER))
    assert outsider.get(url("developer:attachment", issued_request, attachment.public_id)).status_code == 404
    ministry = client_for(official)
    assert ministry.get(url("official:attachment", issued_request, attachment.public_id)).status_code == 404
    lifecycle.submit_response(request=issued_request, by=submitter)
    assert ministry.get(url("official:attachment", issued_request, attachment.public_id)).status_code == 200


def test_roles_responder_drafts_submitter_submits_officials_cannot_edit(issued_request, responder, submitter, official):
    give_complete_draft(issued_request)
    assert (
        client_for(responder).post(url("developer:answers_submit", issued_request), {"confirm": "1"}).status_code == 403
    )
    assert client_for(official).get(url("developer:answers", issued_request)).status_code == 403
    assert client_for(official).post(url("developer:answers", issued_request), {"revision": "1"}).status_code == 403
    response = client_for(submitter).post(url("developer:answers_submit", issued_request), {"confirm": "1"})
    assert response.status_code == 302
    assert issued_request.response_versions.count() == 1


def test_submitting_an_incomplete_draft_lists_what_is_missing_with_links(issued_request, submitter):
    response = client_for(submitter).post(url("developer:answers_submit", issued_request), {"confirm": "1"})
    assert response.status_code == 400
    # The review page lists what is missing, each linked to the field on its section's page.
    page = response.content.decode()
    assert f'href="{section(issued_request, "sources")}#rows-sources"' in page
    assert f'href="{section(issued_request, "training_data")}#id_training_data-latest_collection_date"' in page


def test_other_companies_get_404_everywhere(issued_request):
    outsider = client_for(member(Role.SUBMITTER))
    for name in ("developer:answers", "developer:answers_export", "developer:compare"):
        assert outsider.get(url(name, issued_request)).status_code == 404
    assert outsider.post(url("developer:answers_submit", issued_request), {"confirm": "1"}).status_code == 404
    assert client_for(member(Role.OFFICIAL)).get(url("official:review", issued_request)).status_code == 404


def test_the_ministry_sees_only_submitted_versions_never_the_draft(issued_request, official, submitter):
    draft = give_complete_draft(issued_request)
    ministry = client_for(official)
    page = ministry.get(url("official:review", issued_request)).content.decode()
    assert "Common Crawl 2024" not in page
    lifecycle.submit_response(request=issued_request, by=submitter)
    draft.answers["provider"] = {"legal_name": "Unsent change"}
    draft.save()
    page = ministry.get(url("official:review", issued_request)).content.decode()
    assert "Common Crawl 2024" in page and "Unsent change" not in page
    assert "Studio archive" in page  # the ministry sees claims to decide them


def test_the_supervisor_decides_claims_and_the_official_comments_per_answer_in_a_clarification(
    issued_request, official, supervisor, submitter
):
    give_complete_draft(issued_request)
    lifecycle.submit_response(request=issued_request, by=submitter)
    decision = {"answer_path": "sources/1", "version": "1", "decision": "rejected", "reason": "Licence is public"}
    ministry = client_for(official)
    assert ministry.post(url("official:review_decide", issued_request), decision).status_code == 403
    review_page = ministry.get(url("official:review", issued_request)).content.decode()
    assert url("official:review_decide", issued_request) not in review_page
    response = client_for(supervisor).post(url("official:review_decide", issued_request), decision)
    assert response.status_code == 302
    version = issued_request.response_versions.get()
    assert version.confidentiality_decisions.get().decision == "rejected"
    response = ministry.post(
        url("official:review_clarify", issued_request),
        {
            "version": "1",
            "clarify-message": "Please clarify.",
            "clarify-deadline": "2099-01-01",
            "comment-sources/0": "Which crawler?",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    event = issued_request.events.get(action="request_clarification")
    assert event.data == {"version": 1, "comments": {"sources/0": "Which crawler?"}}
    developer = client_for(submitter)
    developer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Each note shows where the answer is edited, named as the form names it, and nowhere else.
    sources = developer.get(section(issued_request, "sources")).content.decode()
    notes = sources[sources.index('id="ministry-notes"') :]
    assert "<strong>Source 1</strong> – Comment: Which crawler?" in notes
    assert "<strong>Source 2</strong> – Confidentiality claim rejected: Licence is public" in notes
    assert "Justify these claims in your next version" in notes
    provider = developer.get(section(issued_request, "provider")).content.decode()
    assert "Which crawler?" not in provider and "Licence is public" not in provider
    menu = provider[provider.index('class="section-menu"') :]
    sources_entry = menu[menu.index(f'href="{section(issued_request, "sources")}"') :]
    assert sources_entry.index("2 notes from the ministry") < sources_entry.index("</li>")
    review = developer.get(url("developer:answer_review", issued_request)).content.decode()
    listed = review[review.index('id="ministry-notes"') :]
    assert f'<a href="{section(issued_request, "sources")}">Sources – Source 1</a>: Comment: Which crawler?' in listed


def test_an_exported_draft_imports_into_another_draft_with_the_same_answers(issued_request, responder, ministry):
    give_complete_draft(issued_request)
    client = client_for(responder)
    exported = client.get(url("developer:answers_export", issued_request))
    other = DisclosureRequestFactory(
        ministry=ministry, developer=issued_request.developer, state="issued", sections=issued_request.sections
    )
    upload = SimpleUploadedFile("answers.json", exported.content, content_type="application/json")
    assert client.post(url("developer:answers_import", other), {"document": upload, "revision": "0"}).status_code == 302
    assert draft_for(other).answers == draft_for(issued_request).answers


def test_an_import_reports_what_does_not_fit(issued_request, responder):
    document = {
        "sources": [{"name": "Ok", "top_domains": ["bad domain"], "colour": "blue"}],
        "questions": {"9": {"answer": "x"}},
        "mystery": 1,
    }
    upload = SimpleUploadedFile("a.json", json.dumps(document).encode())
    response = client_for(responder).post(
        url("developer:answers_import", issued_request), {"document": upload, "revision": "0"}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("sources[0].colour" in t for t in texts)
    assert any("questions.9" in t for t in texts)
    assert any("mystery" in t for t in texts)
    assert any("sources-0-top_domains" in t for t in texts)
    assert draft_for(issued_request).answers["sources"][0]["name"] == "Ok"


def test_both_parties_compare_two_versions_with_changes_highlighted(issued_request, official, submitter):
    from datetime import timedelta

    from disclosures.deadlines import today_in_japan
    from disclosures.services.responses import save_draft

    draft = give_complete_draft(issued_request)
    lifecycle.submit_response(request=issued_request, by=submitter)
    issued_request.refresh_from_db()
    lifecycle.request_clarification(
        request=issued_request, by=official, points="More", deadline=today_in_japan() + timedelta(days=5)
    )
    draft.refresh_from_db()
    answers = {**draft.answers, "governance": {**draft.answers["governance"], "officer_name": "新しい責任者"}}
    issued_request.refresh_from_db()
    save_draft(request=issued_request, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=issued_request, by=submitter)
    for client, name in ((client_for(official), "official:compare"), (client_for(submitter), "developer:compare")):
        page = client.get(url(name, issued_request)).content.decode()
        assert page.count('class="changed"') == 1 and "新しい責任者" in page


def test_submit_without_the_review_step_goes_to_the_review_page_and_submits_nothing(issued_request, submitter):
    give_complete_draft(issued_request)
    response = client_for(submitter).post(url("developer:answers_submit", issued_request))
    assert response.status_code == 302
    assert response["Location"] == reverse("developer:answer_review", args=[issued_request.public_id])
    assert issued_request.response_versions.count() == 0
    # Confirmed twice (a double click): one version, and the second post changes nothing.
    client = client_for(submitter)
    client.post(url("developer:answers_submit", issued_request), {"confirm": "1"})
    client.post(url("developer:answers_submit", issued_request), {"confirm": "1"})
    assert issued_request.response_versions.count() == 1
