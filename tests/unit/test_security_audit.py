import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.permissions import IsAdminUser
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from disclosures.models import Attachment, AuditEvent, Record, RecordJob, ResponseVersion
from disclosures.services import requests as lifecycle
from disclosures.services.audit import record_event
from disclosures.services.publication import approve_publication
from disclosures.services.responses import decide_claim
from disclosures.states import Action, State
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.auth import login
from tests.factories import DisclosureRequestFactory, MinistryFactory, member


@pytest.fixture
def submitted_request(issued_request, submitter):
    issued_request.sections = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]
    issued_request.save()
    give_complete_draft(issued_request)
    lifecycle.submit_response(request=issued_request, by=submitter)
    return issued_request


def actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


@pytest.mark.django_db
def test_a_refused_page_writes_an_access_denied_event(client, responder):
    login(client, responder)
    assert client.get(reverse("official:dashboard")).status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert event.actor == responder
    assert event.organisation == responder.organisation
    assert event.data["view"] == "official:dashboard"
    assert event.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_another_ministrys_request_writes_a_not_found_event(client, official):
    other = DisclosureRequestFactory(state=State.ISSUED, ministry=MinistryFactory())
    login(client, official)
    assert client.get(reverse("official:request_detail", args=[other.public_id])).status_code == 404
    event = AuditEvent.objects.get(action="not_found")
    assert event.actor == official
    assert event.data["path"] == reverse("official:request_detail", args=[other.public_id])


@pytest.mark.django_db
def test_anonymous_404s_are_not_audited(client):
    client.get("/no-such-page/")
    assert "not_found" not in actions()


@pytest.mark.django_db
def test_a_refused_api_call_writes_an_access_denied_event(official):
    class AdminsOnly(APIView):
        permission_classes = [IsAdminUser]

        def get(self, request):  # pragma: no cover - never reached
            raise AssertionError

    request = APIRequestFactory().get("/api/private/")
    force_authenticate(request, user=official)
    assert AdminsOnly.as_view()(request).status_code == 403
    assert AuditEvent.objects.get(action="access_denied").actor == official


@pytest.mark.django_db
def test_reading_a_submitted_version_writes_a_read_event(client, official, submitted_request):
    login(client, official)
    response = client.get(reverse("official:version", args=[submitted_request.public_id, 1]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="read_answers")
    assert (event.actor, event.request, event.data) == (official, submitted_request, {"version": 1})


@pytest.mark.django_db
def test_the_review_page_writes_a_read_event(client, official, submitted_request):
    login(client, official)
    assert client.get(reverse("official:review", args=[submitted_request.public_id])).status_code == 200
    assert AuditEvent.objects.filter(action="read_answers", actor=official, request=submitted_request).exists()


def make_record(request, variant: str) -> Record:
    event = record_event(action=Action.ACCEPT, actor=None, request=request, to_state=State.ACCEPTED)
    job = RecordJob.objects.create(request=request, event=event, kind="decision", variant=variant)
    content = f"%PDF-1.7 {variant}".encode()
    return Record.objects.create(
        job=job,
        request=request,
        kind="decision",
        variant=variant,
        title="Decision",
        file=ContentFile(content, name="r.pdf"),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        page_count=1,
        signed_by="Portal",
    )


@pytest.mark.django_db
def test_downloading_a_complete_record_writes_a_read_event(client, submitter, issued_request):
    record = make_record(issued_request, "complete")
    login(client, submitter)
    assert client.get(reverse("record_download", args=[record.public_id])).status_code == 200
    event = AuditEvent.objects.get(action="read_record")
    assert event.actor == submitter
    assert event.data == {"record": str(record.public_id)}


@pytest.mark.django_db
def test_confidentiality_and_publication_decisions_are_audited(submitted_request, ministry):
    from disclosures.selectors.answers import claims

    version = ResponseVersion.objects.get(request=submitted_request)
    claim = claims(version)[0]
    supervisor = member(Role.SUPERVISOR, ministry)
    decide_claim(version=version, answer_path=claim.path, decision="accepted", by=supervisor)
    approve_publication(request=submitted_request, by=supervisor)
    assert {"decide_confidentiality", "approve_publication"} <= set(actions())


# The supervisor's audit page


@pytest.mark.django_db
def test_a_supervisor_reads_their_ministrys_audit_trail_and_nothing_else(client, supervisor, issued_request):
    elsewhere = DisclosureRequestFactory(state=State.ISSUED, reference="AIPA16-2026-9999", ministry=MinistryFactory())
    record_event(action="read_answers", actor=None, request=issued_request, data={"version": 1})
    record_event(action="read_answers", actor=None, request=elsewhere, data={"version": 7})
    outsider = member(Role.OFFICIAL)
    record_event(action="sign_in", actor=outsider)
    login(client, supervisor)
    page = client.get(reverse("official:audit"))
    assert page.status_code == 200
    shown = list(page.context["page"])
    assert {e.request for e in shown if e.action == "read_answers"} == {issued_request}
    assert outsider.username not in page.text
    assert elsewhere.reference not in page.text
    assert supervisor.username in page.text  # their own sign-in is part of the trail


@pytest.mark.django_db
def test_the_audit_trail_filters_by_action_reference_user_and_date(client, supervisor, official, issued_request):
    record_event(action="read_answers", actor=official, request=issued_request)
    record_event(action="access_denied", actor=official)
    login(client, supervisor)
    url = reverse("official:audit")

    by_action = client.get(url, {"action": "access_denied"}).context["page"]
    assert [e.action for e in by_action] == ["access_denied"]
    by_reference = client.get(url, {"reference": issued_request.reference.lower()}).context["page"]
    assert {e.request for e in by_reference} == {issued_request}
    by_user = client.get(url, {"actor": official.username}).context["page"]
    assert {e.actor for e in by_user} == {official}
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert list(client.get(url, {"since": tomorrow}).context["page"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.RESPONDER, Role.SUBMITTER, Role.RIGHTS_HOLDER])
def test_only_supervisors_open_the_audit_trail(client, role):
    login(client, member(role))
    assert client.get(reverse("official:audit")).status_code == 403


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted_through_the_application(official):
    event = record_event(action="sign_in", actor=official)
    event.message = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_downloading_a_submitted_file_writes_a_read_event(client, official, submitted_request, submitter):
    version = ResponseVersion.objects.get(request=submitted_request)
    attachment = Attachment(
        request=submitted_request,
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        tier="trade_secret",
        reason="Licence terms",
        uploaded_by=submitter,
        in_draft=False,
        submitted_in=version,
    )
    attachment.file.save("evidence.pdf", ContentFile(b"%PDF-1.7"), save=False)
    attachment.save()
    login(client, official)
    url = reverse("official:attachment", args=[submitted_request.public_id, attachment.public_id])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="read_attachment")
    assert event.actor == official
    assert event.data == {"attachment": str(attachment.public_id), "tier": "trade_secret"}


@pytest.mark.django_db
def test_the_ministrys_trail_shows_its_own_staff_and_only_the_developers_steps_without_names_or_addresses(
    client, supervisor, official, submitter, issued_request
):
    record_event(action="read_answers", actor=official, request=issued_request, ip="192.0.2.10")
    record_event(action=Action.SUBMIT, actor=submitter, request=issued_request, ip="198.51.100.77", data={"version": 1})
    record_event(action="read_attachment", actor=submitter, request=issued_request, ip="198.51.100.78")
    record_event(action="sign_in", actor=submitter, ip="198.51.100.79")
    login(client, supervisor)

    page = client.get(reverse("official:audit"))

    shown = {(e.action, e.organisation) for e in page.context["page"]}
    assert (Action.SUBMIT.value, issued_request.developer) in shown
    assert ("read_attachment", issued_request.developer) not in shown
    assert official.username in page.text and "192.0.2.10" in page.text
    assert submitter.username not in page.text
    for address in ("198.51.100.77", "198.51.100.78", "198.51.100.79"):
        assert address not in page.text
    assert issued_request.developer.name in page.text
    by_user = client.get(reverse("official:audit"), {"actor": submitter.username}).context["page"]
    assert list(by_user) == []
