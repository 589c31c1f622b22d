"""The answer workspace: a page per section with its completeness, pages of long row lists, and the review page."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from disclosures.forms.answers import data_from_document
from disclosures.models import Question, ResponseDraft
from disclosures.services.responses import clean_document, draft_for, save_draft
from portal.accounts.models import Role
from tests.answers_data import complete_answers as demo_answers
from tests.auth import login
from tests.factories import member

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture(autouse=True)
def _all_sections(issued_request):
    issued_request.sections = ALL
    issued_request.save()
    Question.objects.create(request=issued_request, position=1, text="How is the crawler identified?")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def complete_answers() -> dict:
    """The demo's complete answer, with the answer to this request's free question."""
    return {**demo_answers(), "questions": {"1": {"answer": "KumoBot/1.0", "tier": "public", "reason": ""}}}


def give_complete_draft(request) -> ResponseDraft:
    cleaned, problems = clean_document(request, complete_answers(), strict=True)
    assert not problems, problems
    draft = draft_for(request)
    draft.answers = cleaned
    draft.save()
    return draft


def client_for(user, language="en") -> Client:
    client = Client(headers={"accept-language": language})
    login(client, user)
    return client


def section(request, key, query=""):
    return reverse("developer:answer_section", args=[request.public_id, key]) + query


def section_post(request, document, key, revision, **extra):
    """What a browser posts from one section's page: that section's fields only."""
    data = data_from_document(request, document, blank_rows=0)
    prefix = f"{key}-"
    payload = {name: data.getlist(name) for name in data if name.startswith(prefix)}
    payload["revision"] = str(revision)
    payload.update(extra)
    return payload


def many_sources(count: int) -> list[dict]:
    kinds = ["web_crawl", "licensed", "public_dataset"]
    return [
        {"name": f"Source {n:03d}", "kind": kinds[n % 3], "modality": "text", "consent_basis": "none", "tier": "public"}
        for n in range(count)
    ]


def test_the_old_single_page_address_opens_the_first_section(issued_request, responder):
    response = client_for(responder).get(reverse("developer:answers", args=[issued_request.public_id]))
    assert response.status_code == 302 and response["Location"] == section(issued_request, "provider")


def test_every_requested_section_has_its_page_and_a_menu_entry(issued_request, responder):
    page = client_for(responder).get(section(issued_request, "sources")).content.decode()
    menu = page[page.index('class="section-menu"') :]
    for key in [*ALL, "q1", "attachments"]:
        assert f'href="{section(issued_request, key)}"' in menu
    assert 'aria-current="page">Sources<' in menu
    assert reverse("developer:answer_review", args=[issued_request.public_id]) in menu
    assert client_for(responder).get(section(issued_request, "q2")).status_code == 404


def test_the_section_scripts_carry_the_responses_csp_nonce(issued_request, responder):
    response = client_for(responder).get(section(issued_request, "sources"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    for script in ("autosave.js", "answers.js"):
        assert f'src="/static/js/{script}" nonce="{nonce}"' in response.text


def menu_status(page: str, request, key: str) -> str:
    match = re.search(
        re.escape(f'href="{section(request, key)}"') + r'.*?class="section-status[^"]*"[^>]*>([^<]*)<', page, re.S
    )
    return match.group(1)


def test_the_menu_counts_what_each_section_still_needs_for_submission(issued_request, responder):
    document = complete_answers()
    del document["training_data"]["latest_collection_date"]
    document["training_data"]["modalities"] = []
    document["sources"][1]["licence_grantor"] = ""
    del document["questions"]
    save_draft(request=issued_request, by=responder, answers=document, revision=0)
    page = client_for(responder).get(section(issued_request, "provider")).content.decode()
    assert menu_status(page, issued_request, "training_data") == "2 required fields missing"
    assert menu_status(page, issued_request, "sources") == "1 required field missing"
    assert menu_status(page, issued_request, "provider") == "Complete"
    assert menu_status(page, issued_request, "q1") == "1 required field missing"


def test_the_menu_speaks_japanese_to_a_japanese_reader(issued_request, responder):
    page = client_for(responder, "ja").get(section(issued_request, "provider")).content.decode()
    assert "必須項目が" in menu_status(page, issued_request, "training_data")


def test_fields_required_at_submission_are_marked_and_the_confidentiality_choice_follows_the_answer(
    issued_request, responder
):
    page = client_for(responder).get(section(issued_request, "training_data")).content.decode()
    label = re.search(r'<label for="id_training_data-latest_collection_date">(.*?)</label>', page, re.S).group(1)
    assert "required" in label
    optional = re.search(r'<label for="id_training_data-total_size">(.*?)</label>', page, re.S).group(1)
    assert "required" not in optional
    assert page.index('name="training_data-tier"') > page.index('name="training_data-japanese_share_percent"')
    assert page.count("<h1") == 1


def test_saving_one_section_keeps_every_other_section_as_saved(issued_request, responder):
    draft = give_complete_draft(issued_request)
    before = draft_for(issued_request).answers
    changed = complete_answers()
    changed["training_data"]["japanese_share_percent"] = 40
    changed["sources"][0]["name"] = "Posted from another page, must be ignored"
    response = client_for(responder).post(
        section(issued_request, "training_data"), section_post(issued_request, changed, "training_data", draft.revision)
    )
    assert response.status_code == 302
    after = draft_for(issued_request).answers
    assert after["training_data"]["japanese_share_percent"] == 40
    for key in ("provider", "sources", "output_filters", "takedown", "governance"):
        assert after[key] == before[key], key


def test_saving_a_free_question_keeps_the_other_answers(issued_request, responder):
    draft = give_complete_draft(issued_request)
    data = {"q1-answer": "It sends KumoBot/2.0.", "q1-tier": "public", "q1-reason": "", "revision": draft.revision}
    assert client_for(responder).post(section(issued_request, "q1"), data).status_code == 302
    after = draft_for(issued_request).answers
    assert after["questions"]["1"]["answer"] == "It sends KumoBot/2.0."
    assert after["sources"] == draft.answers["sources"]


def test_autosave_of_a_section_answers_with_the_new_revision(issued_request, responder):
    draft = give_complete_draft(issued_request)
    response = client_for(responder).post(
        section(issued_request, "governance"),
        section_post(issued_request, complete_answers(), "governance", draft.revision),
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200 and response.json()["revision"] == draft.revision + 1


def test_a_save_on_an_old_revision_shows_the_conflict_and_keeps_theirs(issued_request, responder, submitter):
    draft = give_complete_draft(issued_request)
    theirs = {**draft.answers, "governance": {**draft.answers["governance"], "officer_name": "Their officer"}}
    save_draft(request=issued_request, by=submitter, answers=theirs, revision=draft.revision)
    mine = complete_answers()
    mine["governance"]["officer_name"] = "My officer"
    response = client_for(responder).post(
        section(issued_request, "governance"), section_post(issued_request, mine, "governance", draft.revision)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Their officer" in page and "My officer" in page
    assert draft_for(issued_request).answers["governance"]["officer_name"] == "Their officer"


def test_a_long_source_list_is_shown_a_page_at_a_time_and_filters_by_text_and_kind(issued_request, responder):
    save_draft(request=issued_request, by=responder, answers={"sources": many_sources(120)}, revision=0)
    client = client_for(responder)
    page = client.get(section(issued_request, "sources", "?page=2")).content.decode()
    names = re.findall(r'value="(Source \d{3})"', page)
    assert names == [f"Source {n:03d}" for n in range(25, 50)]
    assert "Page 2 of 5" in page and "120 rows" in page
    page = client.get(section(issued_request, "sources", "?q=source+11&kind=licensed")).content.decode()
    assert re.findall(r'value="(Source \d{3})"', page) == ["Source 112", "Source 115", "Source 118"]


def test_saving_one_page_of_rows_leaves_the_rows_of_other_pages_untouched(issued_request, responder):
    draft = save_draft(request=issued_request, by=responder, answers={"sources": many_sources(120)}, revision=0)
    saved = draft.answers["sources"]
    page_rows = [dict(row) for row in saved[50:75]]
    page_rows[10]["name"] = "Renamed on page 3"
    data = section_post(issued_request, {"sources": page_rows}, "sources", draft.revision)
    data["sources-20-DELETE"] = "on"  # the 71st source
    response = client_for(responder).post(section(issued_request, "sources", "?page=3"), data)
    assert response.status_code == 302 and "page=3" in response["Location"]
    after = draft_for(issued_request).answers["sources"]
    assert len(after) == 119
    assert after[60]["name"] == "Renamed on page 3" and after[60]["row_id"] == saved[60]["row_id"]
    assert [row["row_id"] for row in after] == [row["row_id"] for row in saved if row is not saved[70]]
    untouched = [row for row in after if row["row_id"] not in {saved[60]["row_id"]}]
    assert untouched == [row for row in saved if row not in (saved[60], saved[70])]


def test_a_new_row_posted_on_a_filtered_page_gets_an_id_no_other_row_has(issued_request, responder):
    draft = save_draft(request=issued_request, by=responder, answers={"sources": many_sources(60)}, revision=0)
    data = section_post(issued_request, {"sources": []}, "sources", draft.revision)
    data.update({"sources-TOTAL_FORMS": "1", "sources-0-name": "New source", "sources-0-tier": "public"})
    assert client_for(responder).post(section(issued_request, "sources", "?q=nothing"), data).status_code == 302
    after = draft_for(issued_request).answers["sources"]
    assert len(after) == 61 and after[-1]["name"] == "New source"
    assert len({row["row_id"] for row in after}) == 61
    assert [row["row_id"] for row in after[:60]] == [row["row_id"] for row in draft.answers["sources"]]


def test_only_editors_of_the_developer_may_save_and_another_organisation_sees_nothing(
    issued_request, responder, official
):
    draft = give_complete_draft(issued_request)
    data = section_post(issued_request, complete_answers(), "governance", draft.revision)
    outsider = client_for(member(Role.SUBMITTER))
    for name in ("developer:answer_section", "developer:answer_review"):
        args = [issued_request.public_id, "governance"] if name.endswith("section") else [issued_request.public_id]
        assert outsider.get(reverse(name, args=args)).status_code == 404
        assert client_for(official).get(reverse(name, args=args)).status_code == 403
    assert outsider.post(section(issued_request, "governance"), data).status_code == 404
    issued_request.state = "submitted"
    issued_request.save()
    client = client_for(responder)
    assert client.post(section(issued_request, "governance"), data).status_code == 403
    page = client.get(section(issued_request, "governance")).content.decode()
    assert "cannot be edited at this stage" in page and 'id="answer-form"' not in page


def review(client, request):
    return client.get(reverse("developer:answer_review", args=[request.public_id]))


def test_the_review_page_shows_what_will_be_public_and_what_is_claimed_confidential(issued_request, submitter):
    give_complete_draft(issued_request)
    page = review(client_for(submitter), issued_request).content.decode()
    public = page[page.index('class="review-public"') : page.index('class="review-claimed"')]
    claimed = page[page.index('class="review-claimed"') : page.index('id="sent-title"')]
    assert "Source 2" in claimed and "Trade secret" in claimed and "Commercial terms of the licence." in claimed
    assert "Source 2" not in public and "Sources: 1 row" in public and "Governance" in public
    sent = page[page.index('id="sent-title"') :]
    assert "Common Crawl 2024" in sent and "Studio archive" in sent and "山田太郎" in sent
    form = re.search(r'<form method="post" action="([^"]+)" class="submit-form">(.*?)</form>', page, re.S)
    assert form.group(1) == reverse("developer:answers_submit", args=[issued_request.public_id])
    assert '<input type="hidden" name="confirm" value="1">' in form.group(2)


def test_the_review_page_links_each_missing_answer_to_its_section(issued_request, submitter):
    page = review(client_for(submitter), issued_request).content.decode()
    assert "The answer cannot be submitted yet" in page
    assert f'href="{section(issued_request, "sources")}#rows-sources"' in page
    assert f'href="{section(issued_request, "training_data")}#id_training_data-latest_collection_date"' in page
    assert re.search(r'<button type="submit" disabled>', page)


def test_a_responder_reviews_but_is_told_only_a_submitter_submits(issued_request, responder):
    give_complete_draft(issued_request)
    page = review(client_for(responder), issued_request).content.decode()
    assert "submit-form" not in page and "Only a submitter" in page


def test_an_autosaved_new_row_is_told_its_id_so_the_next_autosave_does_not_add_it_twice(issued_request, responder):
    draft = save_draft(request=issued_request, by=responder, answers={"sources": many_sources(3)}, revision=0)
    client = client_for(responder)
    data = section_post(issued_request, {"sources": draft.answers["sources"]}, "sources", draft.revision)
    data.update({"sources-TOTAL_FORMS": "4", "sources-3-name": "Typed just now", "sources-3-tier": "public"})
    first = client.post(section(issued_request, "sources"), data, headers={"X-Autosave": "1"}).json()
    new_id = first["row_ids"]["sources-3-row_id"]
    assert new_id not in {row["row_id"] for row in draft.answers["sources"]}
    data.update(
        {"sources-3-row_id": new_id, "sources-3-name": "Typed just now, and more", "revision": first["revision"]}
    )
    assert client.post(section(issued_request, "sources"), data, headers={"X-Autosave": "1"}).status_code == 200
    rows = draft_for(issued_request).answers["sources"]
    assert [row["name"] for row in rows] == ["Source 000", "Source 001", "Source 002", "Typed just now, and more"]
    assert rows[3]["row_id"] == new_id
