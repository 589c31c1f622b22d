"""One guard over the whole public side: a marker put in every confidential field never comes out.

The marker goes into drafts, requests withdrawn before issue, unpublished letters and questions, the
messages of non-public transitions, staff names and emails, confidential answers, confidentiality
reasons, confidential declared sources and complete (non-public) PDFs. Then every public page, API
response, CSV, feed and public PDF is fetched and searched for it.
"""

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from disclosures.models import Question, Record, RecordJob, RecordKind, Variant
from disclosures.states import Action, State
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, member
from tests.public_data import clear_page_cache, event, issued, publish, version


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _record(request, variant, content: bytes, kind=RecordKind.DECISION):
    at = request.issued_at + timedelta(days=1)
    job = RecordJob.objects.create(
        request=request, event=event(request, Action.ACCEPT, State.ACCEPTED, at), kind=kind, variant=variant
    )
    return Record.objects.create(
        job=job,
        request=request,
        kind=kind,
        variant=variant,
        title="Decision",
        file=ContentFile(content, name="r.pdf"),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        page_count=1,
        signed_by="Portal",
    )


def _confidential_world(marker: str):
    staff_name = {"first_name": marker, "last_name": marker}
    DisclosureRequestFactory(state=State.DRAFT, model_name=marker, covering_letter=marker)
    DisclosureRequestFactory(state=State.WITHDRAWN, issued_at=None, model_name=marker, covering_letter=marker)

    unpublished = issued(covering_letter=f"letter {marker}")
    Question.objects.create(request=unpublished, position=1, text=f"question {marker}")
    official = member(Role.OFFICIAL, unpublished.ministry, email=f"{marker}@ministry.example.jp", **staff_name)
    at = unpublished.issued_at + timedelta(days=2)
    event(unpublished, Action.REQUEST_CLARIFICATION, State.CLARIFICATION_REQUESTED, at, by=official, message=marker)
    event(unpublished, Action.FIND_INSUFFICIENT, State.INSUFFICIENT, at, by=official, message=marker)
    _record(unpublished, Variant.COMPLETE, b"%PDF complete " + marker.encode(), kind=RecordKind.REQUEST)
    _record(unpublished, Variant.PUBLIC, b"%PDF public request record", kind=RecordKind.REQUEST)

    withdrawn = issued(state=State.WITHDRAWN)
    event(withdrawn, Action.WITHDRAW, State.WITHDRAWN, withdrawn.issued_at + timedelta(days=1), message=marker)

    published = issued(state=State.ACCEPTED, model_name="Kumo Video")
    submitter = member(Role.SUBMITTER, published.developer, email=f"{marker}@dev.example.jp", **staff_name)
    member(Role.RESPONDER, published.developer, email=f"r{marker}@dev.example.jp", **staff_name)
    event(published, Action.SUBMIT, State.SUBMITTED, published.issued_at + timedelta(days=3), by=submitter)
    event(published, Action.ACCEPT, State.ACCEPTED, published.issued_at + timedelta(days=4), message=marker)
    answers = {
        "training_data": {"tier": "public", "summary": "PUBLIC-SUMMARY", "notes": "open"},
        "output_filters": {"tier": "trade_secret", "reason": marker, "filters": [{"kind": marker}]},
        "takedown": {"tier": "ministry_only", "reason": marker, "contact": marker},
        "sources": [
            {"tier": "public", "name": "PUBLIC-SOURCE", "top_domains": ["open.example.jp"]},
            {"tier": "trade_secret", "reason": marker, "name": marker, "top_domains": [f"{marker}.jp"]},
        ],
        "questions": {"1": {"tier": "ministry_only", "reason": marker, "answer": marker}},
        "provider": {"tier": "public", "legal_name": "Kumo K.K."},
    }
    version(
        published,
        answers,
        sources=[
            {"name": "PUBLIC-SOURCE", "tier": "public", "top_domains": ["open.example.jp"]},
            {"name": marker, "tier": "trade_secret", "top_domains": [f"{marker}.jp"], "rights_holders": [marker]},
            {"name": f"mo {marker}", "tier": "ministry_only", "licence_grantor": marker},
        ],
    )
    publish(published)
    public_pdf = _record(published, Variant.PUBLIC, b"%PDF public decision")
    _record(published, Variant.COMPLETE, b"%PDF complete " + marker.encode())
    return unpublished, published, public_pdf


def _public_urls(requests, public_pdf, marker):
    # Searches use a part of the marker: a leak would show the whole of it, the echoed query cannot.
    part = marker[len("CONFIDENTIAL") :][:16]
    urls = [
        reverse("home"),
        reverse("public:index"),
        reverse("public:index") + f"?q={part}",
        reverse("public:companies"),
        reverse("public:sources") + "?q=example",
        reverse("public:sources") + f"?q={part}",
        reverse("public:statistics"),
        reverse("public:open_data"),
        reverse("public:requests_csv"),
        reverse("public:sources_csv"),
        reverse("public:feed"),
        reverse("api:public-request-list"),
        reverse("api:public-company-list"),
        reverse("api:public-source-list"),
        reverse("api:public-source-list") + f"?q={part}",
        reverse("api:public-request-list") + f"?q={part}",
        reverse("public:requests_csv") + f"?q={part}",
        reverse("public:sources_csv") + f"?q={part}",
        reverse("api:schema"),
        reverse("api:docs"),
        reverse("record_download", args=[public_pdf.public_id]),
    ]
    for request in requests:
        urls += [
            reverse("public:request_detail", args=[request.reference]),
            reverse("api:public-request-detail", args=[request.reference]),
            reverse("public:company_detail", args=[request.developer.slug]),
        ]
    return urls


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_no_confidential_marker_reaches_any_public_page_api_csv_feed_or_public_pdf(client, db):
    marker = f"CONFIDENTIAL{uuid.uuid4().hex}"
    unpublished, _published, public_pdf = _confidential_world(marker)
    from disclosures.models import DisclosureRequest

    public_requests = DisclosureRequest.objects.filter(issued_at__isnull=False)
    clear_page_cache()

    seen = b""
    for url in _public_urls(public_requests, public_pdf, marker):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _content(response)
        assert marker.encode() not in body, url
        assert marker.lower().encode() not in body.lower(), url
        seen += body

    # The guard is not vacuous: the public parts of the same rows are there.
    for public_text in (b"PUBLIC-SUMMARY", b"PUBLIC-SOURCE", b"open.example.jp", b"%PDF public decision"):
        assert public_text in seen
    assert unpublished.reference.encode() in seen


def test_complete_pdfs_and_records_of_unpublished_letters_are_not_served_to_the_public(client, db):
    marker = f"CONFIDENTIAL{uuid.uuid4().hex}"
    unpublished, _published, _ = _confidential_world(marker)
    for record in Record.objects.filter(variant=Variant.COMPLETE):
        assert client.get(reverse("record_download", args=[record.public_id])).status_code == 404
    request_record = Record.objects.get(request=unpublished, variant=Variant.PUBLIC, kind=RecordKind.REQUEST)
    assert client.get(reverse("record_download", args=[request_record.public_id])).status_code == 404
