import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from disclosures.models import AuditEvent, Publication
from disclosures.services.publication import approve_publication
from disclosures.services.requests import RequestDraft, create_request, issue_request
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member
from tests.public_data import clear_page_cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _drafted_by_supervisor(ministry, developer):
    supervisor = member(Role.SUPERVISOR, ministry)
    draft = RequestDraft(
        developer=developer, model_name="Kumo Video", covering_letter="Letter text LETTER-123", sections=["sources"]
    )
    from datetime import timedelta

    from disclosures.deadlines import today_in_japan

    draft = RequestDraft(**{**draft.__dict__, "deadline": today_in_japan() + timedelta(days=20)})
    request = create_request(by=supervisor, draft=draft)
    issue_request(request=request, by=supervisor)
    return supervisor, request


def test_the_same_user_cannot_both_draft_and_approve_publication(ministry, developer):
    supervisor, request = _drafted_by_supervisor(ministry, developer)

    with pytest.raises(PermissionDenied):
        approve_publication(request=request, by=supervisor)
    assert not Publication.objects.filter(request=request).exists()


def test_a_second_supervisor_of_the_ministry_approves_publication_and_it_is_audited(ministry, developer):
    _drafter, request = _drafted_by_supervisor(ministry, developer)
    second = member(Role.SUPERVISOR, ministry)

    publication = approve_publication(request=request, by=second)

    assert publication.approved_by == second
    assert AuditEvent.objects.filter(request=request, action="approve_publication", actor=second).count() == 1
    assert "LETTER-123" in Publication.objects.get(pk=publication.pk).search_text


def test_an_official_or_a_supervisor_of_another_ministry_cannot_approve_publication(issued_request, official):
    other_supervisor = member(Role.SUPERVISOR)
    for user in (official, other_supervisor, member(Role.SUBMITTER, issued_request.developer)):
        with pytest.raises(PermissionDenied):
            approve_publication(request=issued_request, by=user)


def test_a_draft_cannot_be_approved_for_publication(ministry, official):
    draft = DisclosureRequestFactory(ministry=ministry, drafted_by=official, state=State.DRAFT)
    with pytest.raises(PermissionDenied):
        approve_publication(request=draft, by=member(Role.SUPERVISOR, ministry))


def test_the_covering_letter_is_public_only_after_approval(client, issued_request, supervisor):
    url = reverse("public:request_detail", args=[issued_request.reference])
    before = client.get(url).content.decode()
    assert issued_request.reference in before
    assert "Please explain how the model was trained" not in before

    approve_publication(request=issued_request, by=supervisor)
    clear_page_cache()

    assert "Please explain how the model was trained" in client.get(url).content.decode()


def test_approval_bumps_the_public_page_version_after_commit(
    client, issued_request, supervisor, django_capture_on_commit_callbacks
):
    url = reverse("public:request_detail", args=[issued_request.reference])
    assert "Please explain" not in client.get(url).content.decode()  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        approve_publication(request=issued_request, by=supervisor)

    assert "Please explain" in client.get(url).content.decode()


def test_supervisors_see_an_approve_button_on_the_official_page_and_can_use_it(
    client, login, issued_request, supervisor
):
    login(client, supervisor)
    page = client.get(reverse("official:request_detail", args=[issued_request.public_id]))
    approve_url = reverse("approve_publication", args=[issued_request.public_id])
    assert approve_url in page.content.decode()

    confirmation = client.post(approve_url)  # the first post shows what the approval covers
    assert confirmation.status_code == 200
    assert not Publication.objects.filter(request=issued_request).exists()
    response = client.post(approve_url, {"confirm": "1"})

    assert response.status_code == 302
    assert Publication.objects.filter(request=issued_request, approved_by=supervisor).exists()


def test_the_drafting_official_sees_no_approve_button(client, login, issued_request, official):
    login(client, official)
    page = client.get(reverse("official:request_detail", args=[issued_request.public_id]))
    assert reverse("approve_publication", args=[issued_request.public_id]) not in page.content.decode()
