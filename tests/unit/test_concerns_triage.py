"""Officials triage concerns: queue, assignee and due date, states, merging, linking and opening requests."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from concerns import services
from concerns.models import Concern, ConcernLink, State
from concerns.watch import send_digests
from disclosures.deadlines import today_in_japan
from disclosures.models import DisclosureRequest, Section
from disclosures.states import State as RequestState
from portal.accounts.models import Role
from tests.concerns_data import filed_concern, rights_holder
from tests.factories import DisclosureRequestFactory, MinistryFactory, member


@pytest.fixture
def holders(db):
    return rights_holder(email="kaze@studio.example.jp"), rights_holder(email="sora@publisher.example.jp")


@pytest.fixture
def concern(holders, ministry, developer):
    return filed_concern(by=holders[0], ministry=ministry, developer=developer)


def test_the_queue_shows_the_ministrys_filed_concerns_only(client, login, official, concern, holders, developer):
    draft = services.start_concern(by=holders[1])
    elsewhere = filed_concern(by=holders[1], ministry=MinistryFactory(), developer=developer)
    login(client, official)
    page = client.get(reverse("concern_triage:queue")).content.decode()
    assert concern.reference in page
    assert elsewhere.reference not in page
    assert str(draft.public_id) not in page
    assert client.get(reverse("concern_triage:detail", args=[elsewhere.public_id])).status_code == 404
    assert client.get(reverse("concern_triage:detail", args=[draft.public_id])).status_code == 404


def test_officials_of_another_ministry_can_do_nothing_with_it(concern):
    stranger = member(Role.OFFICIAL, MinistryFactory())
    with pytest.raises(PermissionDenied):
        services.start_assessment(concern=concern, by=stranger)
    with pytest.raises(PermissionDenied):
        services.open_request_from(concern=concern, by=stranger)


def test_rights_holders_and_developers_cannot_triage(client, login, concern, holders, responder):
    with pytest.raises(PermissionDenied):
        services.start_assessment(concern=concern, by=holders[0])
    for user in (holders[0], responder):
        login(client, user)
        assert client.get(reverse("concern_triage:queue")).status_code == 403


def test_assignee_and_due_date(client, login, official, supervisor, concern):
    login(client, official)
    due = today_in_japan() + timedelta(days=30)
    response = client.post(
        reverse("concern_triage:action", args=[concern.public_id, "assign"]),
        {"assignee": str(supervisor.pk), "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.assignee == supervisor and concern.due_date == due
    mine = client.get(reverse("concern_triage:queue"), {"mine": "1"}).content.decode()
    assert concern.reference not in mine  # assigned to the supervisor, not to this official


def test_an_assignee_from_another_ministry_is_refused(official, concern):
    with pytest.raises(ValidationError):
        services.assign_concern(concern=concern, by=official, assignee=member(Role.OFFICIAL, MinistryFactory()))


def test_overdue_concerns_are_filtered(client, login, official, concern):
    Concern.objects.filter(pk=concern.pk).update(due_date=today_in_japan() - timedelta(days=1))
    login(client, official)
    assert concern.reference in client.get(reverse("concern_triage:queue"), {"overdue": "1"}).content.decode()


def test_no_action_needs_a_reason_the_filer_reads(client, login, official, concern, holders):
    login(client, official)
    url = reverse("concern_triage:action", args=[concern.public_id, "no-action"])
    assert client.post(url, {"reason": "other", "note": ""}).status_code == 400
    assert client.post(url, {"reason": "bogus"}).status_code == 400
    assert client.post(url, {"reason": "out_of_scope", "note": "第16条の対象外です。"}).status_code == 302
    concern.refresh_from_db()
    assert concern.state == State.NO_ACTION
    login(client, holders[0])
    page = client.get(reverse("concerns:detail", args=[concern.public_id])).content.decode()
    assert "第16条の対象外です。" in page


def test_linking_to_an_existing_request_of_the_ministry(client, login, official, concern, issued_request):
    login(client, official)
    response = client.post(
        reverse("concern_triage:action", args=[concern.public_id, "link"]), {"link-reference": issued_request.reference}
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.state == State.LINKED
    assert list(issued_request.concerns.all()) == [concern]


def test_a_request_of_another_ministry_cannot_be_linked(client, login, official, concern):
    foreign = DisclosureRequestFactory(state=RequestState.ISSUED)
    login(client, official)
    response = client.post(
        reverse("concern_triage:action", args=[concern.public_id, "link"]), {"link-reference": foreign.reference}
    )
    assert response.status_code == 400
    assert not ConcernLink.objects.exists()


def test_opening_a_request_from_two_merged_concerns_links_all_three_and_tells_both_filers(
    client, login, official, holders, ministry, developer, mailoutbox
):
    first = filed_concern(by=holders[0], ministry=ministry, developer=developer, allow_public=True)
    second = filed_concern(
        by=holders[1], ministry=ministry, developer=developer, observations=["style_output"], asks=["takedown"]
    )
    login(client, official)
    merge = client.post(
        reverse("concern_triage:action", args=[first.public_id, "merge"]), {"merge-reference": second.reference}
    )
    assert merge.status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first
    response = client.post(reverse("concern_triage:action", args=[first.public_id, "open-request"]))
    disclosure = DisclosureRequest.objects.get()
    assert response["Location"] == reverse("official:request_edit", args=[disclosure.public_id])
    # Pre-filled: developer, model, sections from what both asked, questions from what both observed.
    assert disclosure.state == RequestState.DRAFT and disclosure.ministry == ministry
    assert disclosure.developer == developer and disclosure.model_name == "Kumo Video"
    assert {Section.SOURCES, Section.OUTPUT_FILTERS, Section.TAKEDOWN} <= set(disclosure.sections)
    questions = [q.text for q in disclosure.questions.all()]
    assert len(questions) == 4  # three kinds of observation, and the works the first filer allowed to name
    assert "進撃の巨人" in questions[-1]
    # Linked both ways.
    assert set(disclosure.concerns.all()) == {first, second}
    assert list(first.requests.all()) == [disclosure] and list(second.requests.all()) == [disclosure]
    assert set(Concern.objects.values_list("state", flat=True)) == {State.LINKED}
    # Both filers are told, in one digest each; while the request is a draft they learn only that one is coming.
    assert send_digests() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(h.email for h in holders)
    assert all(disclosure.reference not in m.body for m in mailoutbox)
    login(client, holders[1])
    page = client.get(reverse("concerns:detail", args=[second.public_id])).content.decode()
    assert disclosure.reference not in page


def test_the_works_of_a_confidential_concern_are_not_put_in_the_request(official, holders, ministry, developer):
    concern = filed_concern(by=holders[0], ministry=ministry, developer=developer, allow_public=False)
    disclosure = services.open_request_from(concern=concern, by=official)
    assert all("進撃の巨人" not in q.text for q in disclosure.questions.all())
    assert holders[0].organisation.name_ja not in disclosure.covering_letter


def test_once_issued_the_filer_follows_the_public_progress(client, login, official, concern, holders):
    disclosure = services.open_request_from(concern=concern, by=official)
    DisclosureRequest.objects.filter(pk=disclosure.pk).update(
        state=RequestState.ISSUED, issued_at=disclosure.created_at
    )
    login(client, holders[0])
    page = client.get(reverse("concerns:detail", args=[concern.public_id])).content.decode()
    assert disclosure.reference in page
    assert reverse("public:request_detail", args=[disclosure.reference]) in page


def test_merging_needs_open_concerns_of_the_same_ministry(official, concern, holders, developer):
    foreign = filed_concern(by=holders[1], ministry=MinistryFactory(), developer=developer)
    with pytest.raises(PermissionDenied):
        services.merge_concerns(primary=concern, duplicate=foreign, by=official)
    with pytest.raises(ValidationError):
        services.merge_concerns(primary=concern, duplicate=concern, by=official)


def test_a_merged_group_moves_together(official, concern, holders, ministry, developer):
    duplicate = filed_concern(by=holders[1], ministry=ministry, developer=developer)
    services.merge_concerns(primary=concern, duplicate=duplicate, by=official)
    services.start_assessment(concern=concern, by=official)
    services.close_without_action(concern=concern, by=official, reason="already_disclosed")
    assert set(Concern.objects.values_list("state", flat=True)) == {State.NO_ACTION}


def test_the_public_sees_only_filers_who_allowed_it_and_only_once_issued(official, holders, ministry, developer):
    from concerns.selectors import public_concern_counts, public_concerns_for

    open_one = filed_concern(by=holders[0], ministry=ministry, developer=developer, allow_public=True)
    secret = filed_concern(by=holders[1], ministry=ministry, developer=developer, allow_public=False)
    services.merge_concerns(primary=open_one, duplicate=secret, by=official)
    disclosure = services.open_request_from(concern=open_one, by=official)
    assert public_concerns_for(disclosure) == []  # a draft leaves no public trace
    DisclosureRequest.objects.filter(pk=disclosure.pk).update(
        state=RequestState.ISSUED, issued_at=disclosure.created_at
    )
    disclosure.refresh_from_db()
    shown = public_concerns_for(disclosure)
    assert [c.organisation for c in shown] == [holders[0].organisation.name]
    assert shown[0].works == ["進撃の巨人"]
    counts = public_concern_counts()
    assert dict(counts["by_state"])[State.LINKED.label] == 2
    assert counts["by_developer"][0]["n"] == 2
    assert holders[1].organisation.name_ja not in str(counts)


def test_each_step_is_in_the_audit_trail_without_a_request(official, concern):
    from disclosures.models import AuditEvent

    services.start_assessment(concern=concern, by=official)
    steps = AuditEvent.objects.filter(data__concern=str(concern.public_id)).order_by("id")
    assert [e.action for e in steps] == ["concern_file", "concern_assess"]
    assert all(e.request_id is None for e in steps)
    assert steps[1].organisation == official.organisation


def test_the_supervisors_audit_page_shows_the_ministrys_triage_steps_only(client, login, official, supervisor, concern):
    services.start_assessment(concern=concern, by=official)
    login(client, supervisor)
    page = client.get(reverse("official:audit"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "concern_assess" in text
    assert "concern_file" not in text  # the filer's own step is the rights holder's business


def test_the_officials_request_page_lists_the_linked_concerns(client, login, official, concern):
    disclosure = services.open_request_from(concern=concern, by=official)
    login(client, official)
    page = client.get(reverse("official:request_detail", args=[disclosure.public_id])).content.decode()
    assert concern.reference in page
    assert reverse("concern_triage:detail", args=[concern.public_id]) in page


def test_the_developer_never_learns_who_filed(client, login, official, concern, issued_request, submitter, holders):
    services.link_to_request(concern=concern, by=official, request=issued_request)
    login(client, submitter)
    page = client.get(reverse("developer:request_detail", args=[issued_request.public_id])).content.decode()
    assert concern.reference not in page
    assert holders[0].organisation.name_ja not in page
    public = client.get(reverse("public:request_detail", args=[issued_request.reference])).content.decode()
    assert concern.reference not in public and holders[0].organisation.name_ja not in public
