"""A token of organisation B finds nothing of organisation A: 404 on every endpoint and action, lists included."""

import hashlib
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosures.api import urls as api_urls
from disclosures.models import Attachment, Record, RecordJob, ResponseDraft, ResponseVersion
from disclosures.services.audit import record_event
from disclosures.states import Action, State
from portal.accounts.models import ApiToken, Role
from tests.api_data import token_client
from tests.factories import DeveloperFactory, DisclosureRequestFactory, MinistryFactory, member

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def organisation_a() -> dict:
    """Organisation A's request with a draft, a draft file, a submitted version with its file and a record."""
    disclosure = DisclosureRequestFactory(state=State.ISSUED, sections=["sources", "output_filters"])
    disclosure.questions.create(position=1, text="アニメは含まれますか。")
    submitter = member(Role.SUBMITTER, disclosure.developer)
    version = ResponseVersion.objects.create(request=disclosure, number=1, answers={}, submitted_by=submitter)
    ResponseDraft.objects.create(
        request=disclosure, answers={"sources": [{"row_id": "0", "name": "A", "tier": "public"}]}
    )
    files = {}
    for name, submitted in (("draft", None), ("submitted", version)):
        attachment = Attachment(
            request=disclosure,
            original_name=f"{name}.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            uploaded_by=submitter,
            in_draft=submitted is None,
            submitted_in=submitted,
        )
        attachment.file.save(f"{name}.pdf", ContentFile(PDF), save=False)
        attachment.save()
        files[name] = attachment
    event = record_event(action=Action.ACCEPT, actor=None, request=disclosure, to_state=State.ACCEPTED)
    job = RecordJob.objects.create(request=disclosure, event=event, kind="decision", variant="public")
    record = Record.objects.create(
        job=job,
        request=disclosure,
        kind="decision",
        variant="public",
        title="Decision",
        file=ContentFile(PDF, name="r.pdf"),
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        page_count=1,
        signed_by="Portal",
    )
    return {"request": disclosure, "files": files, "record": record}


def kwargs_for(pattern: str, a: dict, attachment: str) -> dict:
    values = {
        "public_id": a["request"].public_id,
        "attachment_id": a["files"][attachment].public_id,
        "record_id": a["record"].public_id,
        "number": 1,
        "section": "sources",
        "row_id": "0",
        "position": 1,
    }
    return {name: values[name] for name in re.findall(r"\(\?P<(\w+)>", pattern)}


def operations(prefix: str):
    """(url name, method, attachment) for every action of the router's viewset under `prefix`."""
    router = {"developer": api_urls.developer_router, "ministry": api_urls.ministry_router}[prefix]
    for pattern in router.urls:
        for method in pattern.callback.actions:
            # A developer deletes a draft file; ministry staff read only submitted ones.
            attachment = "draft" if method == "delete" else "submitted"
            yield pattern.name, str(pattern.pattern), method, attachment


def call(client, name, pattern, method, a, attachment):
    url = reverse(f"api:{name}", kwargs=kwargs_for(pattern, a, attachment))
    headers = {"HTTP_IF_MATCH": '"draft-0"'}
    if name.endswith("attachments") and method == "post":
        upload = SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf")
        return client.post(url, {"file": upload}, format="multipart", **headers)
    if method in ("put", "post"):
        body = {"reasons": "No."} if name.endswith("decline") else {"tier": "public", "name": "B's row"}
        return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)
    return getattr(client, method)(url, {"a": 1, "b": 1} if name.endswith("compare") else None, **headers)


DEVELOPER_OPERATIONS = list(operations("developer"))
MINISTRY_OPERATIONS = list(operations("ministry"))


def test_every_developer_action_is_covered():
    names = {name for name, *_rest in DEVELOPER_OPERATIONS}
    assert len(DEVELOPER_OPERATIONS) >= 20, DEVELOPER_OPERATIONS
    assert {"developer-request-submit", "developer-request-row", "developer-request-attachments"} <= names


@pytest.mark.parametrize(("name", "pattern", "method", "attachment"), DEVELOPER_OPERATIONS)
def test_a_token_of_another_developer_gets_404_for_every_object_and_action(name, pattern, method, attachment):
    a = organisation_a()
    client = token_client(member(Role.SUBMITTER, DeveloperFactory()), scope=ApiToken.Scope.READ_WRITE)
    response = call(client, name, pattern, method, a, attachment)
    if name.endswith("-list"):
        assert response.status_code == 200
        assert response.json()["results"] == []
        return
    assert response.status_code == 404, (name, method, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    # Nothing of A changed, and nothing says it exists.
    draft = ResponseDraft.objects.get(request=a["request"])
    a["request"].refresh_from_db()
    assert (draft.revision, a["request"].state) == (0, State.ISSUED)
    assert Attachment.objects.filter(request=a["request"], in_draft=True).count() == 1
    assert str(a["request"].reference) not in response.content.decode()


@pytest.mark.parametrize(("name", "pattern", "method", "attachment"), MINISTRY_OPERATIONS)
def test_a_token_of_another_ministry_gets_404_for_every_object(name, pattern, method, attachment):
    a = organisation_a()
    client = token_client(member(Role.SUPERVISOR, MinistryFactory()), scope=ApiToken.Scope.READ)
    response = call(client, name, pattern, method, a, attachment)
    if name.endswith("-list"):
        assert response.status_code == 200
        assert response.json()["results"] == []
        return
    assert response.status_code == 404, (name, method, response.content[:300])


def test_the_ministry_endpoints_write_nothing(official):
    client = token_client(official, scope=ApiToken.Scope.READ)
    disclosure = DisclosureRequestFactory(ministry=official.organisation, state=State.ISSUED)
    response = client.post(reverse("api:ministry-request-detail", args=[disclosure.public_id]))
    # Refused before anything else: the token is read only (and the endpoint has no write).
    assert response.status_code == 403
    assert response.json()["type"] == "urn:article16:problem:forbidden"
