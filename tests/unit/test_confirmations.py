"""Each confirmation step: the action does not happen without it, and happens once with it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import AuditEvent, Publication, PublishedVersion, RecordJob, ResponseVersion
from disclosures.states import State
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.auth import login
from tests.factories import DisclosureRequestFactory, member

LATER = (today_in_japan() + timedelta(days=12)).isoformat()

# action: (state before, state after, side, fields posted, text the confirmation page must show)
CASES = {
    "issue": (State.DRAFT, State.ISSUED, "official", {}, "Request issued"),
    "withdraw": (State.ISSUED, State.WITHDRAWN, "official", {"withdraw-message": "No longer needed."}, "Decision"),
    "accept": (State.SUBMITTED, State.ACCEPTED, "official", {"accept-message": ""}, "Decision"),
    "find_insufficient": (
        State.UNDER_REVIEW,
        State.INSUFFICIENT,
        "official",
        {"find_insufficient-message": "Sources are missing."},
        "Decision",
    ),
    "request_clarification": (
        State.SUBMITTED,
        State.CLARIFICATION_REQUESTED,
        "official",
        {"request_clarification-message": "Name the datasets.", "request_clarification-deadline": LATER},
        "Decision",
    ),
    "escalate": (
        State.INSUFFICIENT,
        State.ESCALATED,
        "official",
        {"escalate-action_taken": "guidance_issued", "escalate-message": "Guidance sent."},
        "Decision",
    ),
    # Closing makes no record (RECORD_KINDS): the page says so.
    "close": (State.DECLINED, State.CLOSED, "official", {"close-message": ""}, None),
    "decline": (State.ACKNOWLEDGED, State.DECLINED, "developer", {"decline-message": "営業秘密です。"}, "Decision"),
}


def _setup(client, state, side):
    official = member(Role.OFFICIAL)
    submitter = member(Role.SUBMITTER)
    member(Role.RESPONDER, submitter.organisation)
    request = DisclosureRequestFactory(
        state=state, ministry=official.organisation, developer=submitter.organisation, drafted_by=official
    )
    login(client, official if side == "official" else submitter)
    return request


def _url(request, side, action):
    return reverse(f"{side}:request_transition", args=[request.public_id, action])


@pytest.mark.django_db
@pytest.mark.parametrize("action", CASES)
def test_without_confirmation_the_step_does_not_happen_and_the_page_says_what_it_will_do(client, action, settings):
    settings.LANGUAGE_CODE = "en"
    before, _after, side, fields, record_title = CASES[action]
    request = _setup(client, before, side)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})

    page = client.post(_url(request, side, action), fields)

    assert page.status_code == 200
    request.refresh_from_db()
    assert request.state == before
    assert not AuditEvent.objects.filter(request=request, action=action).exists()
    assert not RecordJob.objects.filter(request=request).exists()
    assert mail.outbox == []
    text = page.text
    assert "What will be sent" in text and "Signed records" in text
    if record_title:
        assert f"A signed public PDF record “{record_title}”" in text
    else:
        assert "No signed record is made" in text
    assert 'name="confirm" value="1"' in text
    for name, value in fields.items():
        if value:  # the same fields are carried into the confirming post
            assert f'name="{name}"' in text and value in text


@pytest.mark.django_db
@pytest.mark.parametrize("action", CASES)
def test_with_confirmation_the_step_happens_exactly_once_even_when_posted_twice(
    client, action, django_capture_on_commit_callbacks
):
    before, after, side, fields, record_title = CASES[action]
    request = _setup(client, before, side)
    confirmed = {**fields, "confirm": "1"}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_url(request, side, action), confirmed)
        second = client.post(_url(request, side, action), confirmed)

    assert first.status_code == 302 and second.status_code == 302
    request.refresh_from_db()
    assert request.state == after
    assert AuditEvent.objects.filter(request=request, action=action).count() == 1
    jobs = RecordJob.objects.filter(request=request)
    assert len({job.event_id for job in jobs}) == (1 if record_title else 0)
    followed = client.get(second["Location"])
    assert "already done" in followed.text or "実行済み" in followed.text


@pytest.mark.django_db
def test_the_confirmation_of_a_decline_says_the_reasons_become_public(client, settings):
    request = _setup(client, State.ISSUED, "developer")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.post(_url(request, "developer", "decline"), {"decline-message": "Trade secret."})
    assert "Your reasons are published with the request" in page.text
    assert "An email tells the officials and supervisors of" in page.text


@pytest.mark.django_db
def test_the_confirmation_of_a_message_kept_between_the_parties_announces_a_complete_record(client, settings):
    request = _setup(client, State.SUBMITTED, "official")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.post(_url(request, "official", "find_insufficient"), {"find_insufficient-message": "Too vague."})
    assert "A signed complete PDF record “Decision” with your message" in page.text
    assert "Your message stays between the ministry and the developer" in page.text


@pytest.mark.django_db
def test_withdrawing_a_draft_is_confirmed_as_leaving_no_trace(client, settings):
    request = _setup(client, State.DRAFT, "official")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.post(_url(request, "official", "withdraw"), {"withdraw-message": "Drafted by mistake."})
    assert "No signed record is made" in page.text
    assert "Nobody outside the ministry is told" in page.text
    request.refresh_from_db()
    assert request.state == State.DRAFT


@pytest.mark.django_db
def test_the_confirmation_page_is_in_japanese_for_japanese_users(client):
    request = _setup(client, State.DRAFT, "official")
    page = client.post(_url(request, "official", "issue"))
    assert page.status_code == 200
    assert "送信される内容" in page.text and "署名付き記録" in page.text


@pytest.mark.django_db
def test_a_user_who_may_not_take_the_step_gets_no_confirmation_page(client):
    request = _setup(client, State.ISSUED, "developer")
    responder = member(Role.RESPONDER, request.developer)
    login(client, responder)
    assert client.post(_url(request, "developer", "decline"), {"decline-message": "x"}).status_code == 403


@pytest.mark.django_db
def test_submitting_without_confirmation_goes_to_the_answer_review_and_submits_once_with_it(
    client, django_capture_on_commit_callbacks
):
    request = _setup(client, State.ACKNOWLEDGED, "developer")
    give_complete_draft(request)

    unconfirmed = client.post(_url(request, "developer", "submit"))

    try:
        review = reverse("developer:answer_review", args=[request.public_id])
    except NoReverseMatch:  # the review page is not built: the generic confirmation page stands in
        assert unconfirmed.status_code == 200 and 'name="confirm" value="1"' in unconfirmed.text
    else:
        assert unconfirmed.status_code == 302 and unconfirmed["Location"] == review
    assert not ResponseVersion.objects.filter(request=request).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(request, "developer", "submit"), {"confirm": "1"})
        client.post(_url(request, "developer", "submit"), {"confirm": "1"})
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    assert ResponseVersion.objects.filter(request=request).count() == 1


# ---------------------------------------------------------------- publication approval


def _published_setup(client, *, with_version: bool):
    official = member(Role.OFFICIAL)
    supervisor = member(Role.SUPERVISOR, official.organisation)
    submitter = member(Role.SUBMITTER)
    request = DisclosureRequestFactory(
        state=State.SUBMITTED if with_version else State.ISSUED,
        ministry=official.organisation,
        developer=submitter.organisation,
        drafted_by=official,
    )
    if with_version:
        ResponseVersion.objects.create(request=request, number=1, answers={}, submitted_by=submitter)
    login(client, supervisor)
    return request, supervisor


@pytest.mark.django_db
def test_the_approval_page_says_what_it_covers_and_that_later_versions_wait(client, settings):
    request, _supervisor = _published_setup(client, with_version=True)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.get(reverse("approve_publication", args=[request.public_id]))
    assert page.status_code == 200
    assert "The covering letter and" in page.text
    assert "Version 1 (submitted" in page.text
    assert "waits for its own approval" in page.text
    assert "No answer has been submitted yet" not in page.text


@pytest.mark.django_db
def test_the_approval_page_says_when_no_answer_exists_yet(client, settings):
    request, _supervisor = _published_setup(client, with_version=False)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    page = client.get(reverse("approve_publication", args=[request.public_id]))
    assert "No answer has been submitted yet" in page.text


@pytest.mark.django_db
def test_approval_does_not_happen_without_confirmation_and_happens_once_with_it(client):
    request, supervisor = _published_setup(client, with_version=True)
    url = reverse("approve_publication", args=[request.public_id])

    unconfirmed = client.post(url, {"through_version": "1"})
    assert unconfirmed.status_code == 200
    assert not Publication.objects.filter(request=request).exists()

    first = client.post(url, {"through_version": "1", "confirm": "1"})
    second = client.post(url, {"through_version": "1", "confirm": "1"})
    assert first.status_code == 302 and second.status_code == 302
    assert Publication.objects.filter(request=request, approved_by=supervisor).count() == 1
    assert PublishedVersion.objects.filter(version__request=request).count() == 1
    assert AuditEvent.objects.filter(request=request, action="approve_publication").count() == 1
