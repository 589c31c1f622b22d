"""The lifecycle through the browser: officials draft and decide, developers answer, strangers see nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, DisclosureRequest
from disclosures.states import State
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.auth import login
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member


def draft_form(developer, **overrides):
    data = {
        "developer": developer.pk,
        "legal_basis": "article_16",
        "model_name": "Kumo Video",
        "model_version": "3",
        "sections": ["training_data", "sources"],
        "covering_letter": "学習データについて説明してください。",
        "deadline": (today_in_japan() + timedelta(days=30)).isoformat(),
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "0",
        "questions-0-text": "最初の質問",
        "questions-0-guidance": "具体的に",
        "questions-1-text": "",
        "questions-2-text": "Second question",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_official_drafts_a_request_with_ordered_questions(client, official, developer):
    login(client, official)
    response = client.post(reverse("official:request_create"), draft_form(developer))
    request = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert request.state == State.DRAFT
    assert request.reference.startswith(f"AIPA16-{today_in_japan().year}-")
    assert [q.text for q in request.questions.all()] == ["最初の質問", "Second question"]
    assert request.questions.first().guidance == "具体的に"


@pytest.mark.django_db
def test_a_bad_draft_shows_errors_and_keeps_what_was_typed(client, official, developer):
    login(client, official)
    response = client.post(
        reverse("official:request_create"),
        draft_form(developer, model_name="", deadline=today_in_japan().isoformat(), covering_letter="Keep me"),
    )
    assert response.status_code == 400
    assert DisclosureRequest.objects.count() == 0
    assert "Keep me" in response.text
    assert "最初の質問" in response.text
    assert response.context["form"].errors.keys() >= {"model_name"}


@pytest.mark.django_db
def test_a_deadline_in_the_past_is_refused_on_the_deadline_field(client, official, developer):
    login(client, official)
    response = client.post(
        reverse("official:request_create"),
        draft_form(developer, deadline=(today_in_japan() - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 400
    assert "deadline" in response.context["form"].errors


@pytest.mark.django_db
def test_references_count_up_per_year(official, developer, client):
    login(client, official)
    client.post(reverse("official:request_create"), draft_form(developer))
    client.post(reverse("official:request_create"), draft_form(developer))
    year = today_in_japan().year
    assert sorted(DisclosureRequest.objects.values_list("reference", flat=True)) == [
        f"AIPA16-{year}-0001",
        f"AIPA16-{year}-0002",
    ]


@pytest.mark.django_db
def test_issuing_notifies_the_developer_in_their_language_and_fills_their_inbox(
    client, official, developer, django_capture_on_commit_callbacks
):
    english = member(Role.RESPONDER, developer, preferred_language="en")
    japanese = member(Role.SUBMITTER, developer, preferred_language="ja")
    request = DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation, developer=developer)
    login(client, official)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("official:request_transition", args=[request.public_id, "issue"]), {"confirm": "1"}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.ISSUED

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {english.email, japanese.email}
    assert "Issued" in by_address[english.email].subject
    assert "発出" in by_address[japanese.email].subject
    assert request.reference in by_address[english.email].alternatives[0].content

    login(client, english)
    inbox = client.get(reverse("developer:inbox"))
    assert request.reference in inbox.text


@pytest.mark.django_db
def test_issuing_sends_nothing_until_the_transaction_commits(official, developer, django_capture_on_commit_callbacks):
    from disclosures.services.requests import issue_request

    member(Role.RESPONDER, developer)
    request = DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation, developer=developer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue_request(request=request, by=official)
    assert mail.outbox == []
    assert callbacks
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_developers_never_see_drafts_or_other_companies_requests(client, responder):
    draft = DisclosureRequestFactory(state=State.DRAFT, developer=responder.organisation)
    other = DisclosureRequestFactory(state=State.ISSUED)
    login(client, responder)
    for request in (draft, other):
        assert client.get(reverse("developer:request_detail", args=[request.public_id])).status_code == 404
    inbox = client.get(reverse("developer:inbox"))
    assert draft.reference not in inbox.text and other.reference not in inbox.text


@pytest.mark.django_db
def test_officials_see_only_their_ministrys_requests(client, official):
    other = DisclosureRequestFactory(state=State.ISSUED, ministry=MinistryFactory())
    login(client, official)
    assert client.get(reverse("official:request_detail", args=[other.public_id])).status_code == 404
    response = client.post(
        reverse("official:request_transition", args=[other.public_id, "withdraw"]), {"withdraw-message": "x"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == State.ISSUED


@pytest.mark.django_db
def test_developers_cannot_open_official_pages(client, submitter, issued_request):
    login(client, submitter)
    assert client.get(reverse("official:dashboard")).status_code == 403
    assert client.get(reverse("official:request_detail", args=[issued_request.public_id])).status_code == 403


@pytest.mark.django_db
def test_a_developer_declines_with_reasons_and_both_sides_see_it_on_the_timeline(client, submitter, official):
    request = DisclosureRequestFactory(
        state=State.ACKNOWLEDGED, developer=submitter.organisation, ministry=official.organisation
    )
    login(client, submitter)
    empty = client.post(
        reverse("developer:request_transition", args=[request.public_id, "decline"]), {"decline-message": ""}
    )
    assert empty.status_code == 400
    request.refresh_from_db()
    assert request.state == State.ACKNOWLEDGED

    client.post(
        reverse("developer:request_transition", args=[request.public_id, "decline"]),
        {"decline-message": "学習データは営業秘密です", "confirm": "1"},
    )
    request.refresh_from_db()
    assert request.state == State.DECLINED
    login(client, official)
    page = client.get(reverse("official:request_detail", args=[request.public_id]))
    assert "学習データは営業秘密です" in page.text


@pytest.mark.django_db
def test_an_official_asks_for_clarification_and_the_developer_resubmits(client, official, submitter):
    request = DisclosureRequestFactory(
        state=State.UNDER_REVIEW, developer=submitter.organisation, ministry=official.organisation
    )
    new_deadline = today_in_japan() + timedelta(days=10)
    login(client, official)
    client.post(
        reverse("official:request_transition", args=[request.public_id, "request_clarification"]),
        {
            "request_clarification-message": "Name the datasets.",
            "request_clarification-deadline": new_deadline.isoformat(),
            "confirm": "1",
        },
    )
    request.refresh_from_db()
    assert (request.state, request.deadline) == (State.CLARIFICATION_REQUESTED, new_deadline)

    login(client, submitter)
    page = client.get(reverse("developer:request_detail", args=[request.public_id]))
    assert "Name the datasets." in page.text
    give_complete_draft(request)
    client.post(reverse("developer:request_transition", args=[request.public_id, "resubmit"]), {"confirm": "1"})
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert AuditEvent.objects.filter(request=request, action="resubmit").exists()


@pytest.mark.django_db
def test_the_dashboard_filters_by_state_developer_overdue_and_due_soon(client, official):
    ministry = official.organisation
    today = today_in_japan()
    overdue = DisclosureRequestFactory(ministry=ministry, state=State.ISSUED, deadline=today - timedelta(days=3))
    due_soon = DisclosureRequestFactory(ministry=ministry, state=State.ACKNOWLEDGED, deadline=today + timedelta(days=5))
    later = DisclosureRequestFactory(ministry=ministry, state=State.ISSUED, deadline=today + timedelta(days=40))
    accepted = DisclosureRequestFactory(ministry=ministry, state=State.ACCEPTED, deadline=today - timedelta(days=9))
    login(client, official)

    def shown(**params):
        response = client.get(reverse("official:dashboard"), params)
        return {r.reference for r in response.context["requests"]}

    assert shown() == {r.reference for r in (overdue, due_soon, later, accepted)}
    assert shown(overdue="1") == {overdue.reference}
    assert shown(due_soon="1") == {due_soon.reference}
    assert shown(state="accepted") == {accepted.reference}
    assert shown(developer=later.developer.slug) == {later.reference}
    page = client.get(reverse("official:dashboard"))
    assert "3 days overdue" in page.text or "3日超過" in page.text


@pytest.mark.django_db
def test_the_timeline_shows_days_open_and_overdue_per_stage(client, official):
    import time_machine

    developer = DeveloperFactory()
    submitter = member(Role.SUBMITTER, developer)
    request = DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation, developer=developer)
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from disclosures.services.requests import issue_request, submit_response

    start = today_in_japan()
    tokyo_morning = datetime.combine(start, time(10, 0), tzinfo=ZoneInfo("Asia/Tokyo"))
    with time_machine.travel(tokyo_morning, tick=False):
        request.deadline = start + timedelta(days=5)
        request.save()
        issue_request(request=request, by=official)
    with time_machine.travel(tokyo_morning + timedelta(days=8), tick=False):
        give_complete_draft(request)
        submit_response(request=request, by=submitter)
        login(client, official)
        response = client.get(reverse("official:request_detail", args=[request.public_id]))
    issued_stage = next(s for s in response.context["stages"] if s.state == State.ISSUED)
    assert (issued_stage.days_open, issued_stage.days_overdue) == (8, 3)


@pytest.mark.django_db
def test_the_developer_reaches_the_answer_form_from_the_request_and_submits_there(client, responder, submitter):
    request = DisclosureRequestFactory(state=State.ACKNOWLEDGED, developer=responder.organisation)
    login(client, responder)
    page = client.get(reverse("developer:request_detail", args=[request.public_id]))
    assert reverse("developer:answers", args=[request.public_id]) in page.text
    login(client, submitter)
    page = client.get(reverse("developer:request_detail", args=[request.public_id]))
    # Submission is offered on the answer page, which lists what is missing, not as a bare button here.
    assert reverse("developer:request_transition", args=[request.public_id, "submit"]) not in page.text
    assert reverse("developer:request_transition", args=[request.public_id, "decline"]) in page.text


@pytest.mark.django_db
def test_the_official_reaches_the_review_and_each_version_from_the_request(client, official, submitter):
    from disclosures.services.requests import submit_response

    request = DisclosureRequestFactory(
        state=State.ISSUED, developer=submitter.organisation, ministry=official.organisation
    )
    give_complete_draft(request)
    submit_response(request=request, by=submitter)
    login(client, official)
    page = client.get(reverse("official:request_detail", args=[request.public_id]))
    assert reverse("official:review", args=[request.public_id]) in page.text
    assert reverse("official:version", args=[request.public_id, 1]) in page.text
