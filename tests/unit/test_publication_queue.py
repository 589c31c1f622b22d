"""The supervisors' queue of requests awaiting publication approval, and its daily digest mail."""

import pytest
from django.core import mail
from django.urls import reverse

from disclosures.models import OutboxMail, ResponseVersion
from disclosures.services.notifications import send_publication_digests
from disclosures.services.publication import approve_publication
from disclosures.states import State
from portal.accounts.models import Role
from tests.auth import login
from tests.factories import DisclosureRequestFactory, MinistryFactory, member


@pytest.fixture
def world(db):
    ministry = MinistryFactory()
    official = member(Role.OFFICIAL, ministry)
    supervisor = member(Role.SUPERVISOR, ministry, preferred_language="en")
    submitter = member(Role.SUBMITTER)
    waiting = DisclosureRequestFactory(
        state=State.SUBMITTED, ministry=ministry, developer=submitter.organisation, drafted_by=official
    )
    ResponseVersion.objects.create(request=waiting, number=1, answers={}, submitted_by=submitter)
    approved = DisclosureRequestFactory(
        state=State.ISSUED, ministry=ministry, developer=submitter.organisation, drafted_by=official
    )
    approve_publication(request=approved, by=supervisor)
    draft = DisclosureRequestFactory(state=State.DRAFT, ministry=ministry, drafted_by=official)
    elsewhere = DisclosureRequestFactory(state=State.ISSUED, ministry=MinistryFactory())
    return {
        "ministry": ministry,
        "official": official,
        "supervisor": supervisor,
        "submitter": submitter,
        "waiting": waiting,
        "approved": approved,
        "draft": draft,
        "elsewhere": elsewhere,
    }


def test_the_queue_lists_what_waits_in_the_supervisors_ministry_only(client, world):
    login(client, world["supervisor"])
    page = client.get(reverse("official:publication_queue"))
    assert page.status_code == 200
    assert world["waiting"].reference in page.text
    assert reverse("approve_publication", args=[world["waiting"].public_id]) in page.text
    for absent in ("approved", "draft", "elsewhere"):
        assert world[absent].reference not in page.text


def test_a_version_submitted_after_approval_brings_the_request_back_to_the_queue(client, world):
    ResponseVersion.objects.create(request=world["approved"], number=1, answers={}, submitted_by=world["submitter"])
    login(client, world["supervisor"])
    page = client.get(reverse("official:publication_queue"))
    assert world["approved"].reference in page.text
    assert "1 answer version" in page.text or "回答 1 版" in page.text


def test_officials_have_no_queue_and_the_dashboard_and_menu_link_it_for_supervisors(client, world):
    login(client, world["official"])
    assert client.get(reverse("official:publication_queue")).status_code == 403
    assert reverse("official:publication_queue") not in client.get(reverse("official:dashboard")).text
    login(client, world["supervisor"])
    dashboard = client.get(reverse("official:dashboard")).text
    assert dashboard.count(reverse("official:publication_queue")) == 2  # the menu and the dashboard


def test_the_queue_says_when_the_supervisor_drafted_the_request(client, world):
    authored = DisclosureRequestFactory(state=State.ISSUED, ministry=world["ministry"], drafted_by=world["supervisor"])
    login(client, world["supervisor"])
    page = client.get(reverse("official:publication_queue"))
    assert authored.reference in page.text
    assert "another supervisor approves" in page.text or "別の監督者" in page.text


def test_the_digest_goes_once_a_day_through_the_outbox_to_supervisors_who_may_approve(
    world, django_capture_on_commit_callbacks
):
    drafter = member(Role.SUPERVISOR, world["ministry"])
    DisclosureRequestFactory(state=State.ISSUED, ministry=world["ministry"], drafted_by=drafter)
    with django_capture_on_commit_callbacks(execute=True):
        written = send_publication_digests()
        again = send_publication_digests()
    assert again == 0
    rows = OutboxMail.objects.filter(template="email/publication_digest")
    assert written == rows.count() == 2  # both supervisors: each may approve something
    assert set(rows.values_list("status", flat=True)) == {OutboxMail.Status.SENT}
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address[world["supervisor"].email]
    assert "await your publication approval" in english.subject
    assert world["waiting"].reference in english.body
    assert reverse("official:publication_queue") in english.body
    assert world["waiting"].reference in english.alternatives[0].content
    # The drafting supervisor hears of the other requests, not of the one they drafted.
    drafted = by_address[drafter.email]
    assert world["waiting"].reference in drafted.body
    assert "承認" in drafted.subject


def test_no_digest_when_nothing_waits(world):
    approve_publication(request=world["waiting"], by=world["supervisor"])
    assert send_publication_digests() == 0
    assert not OutboxMail.objects.exists()
