"""The publication rule as a user relies on it (issue 16, items 1 to 3 and 6).

A later confidentiality claim withholds the same answer in every earlier version, on every public
surface; each version waits for its own approval; the approver is neither the drafter nor anyone who
changed the request; and only developers with an issued request are named publicly.
"""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import Publication, ResponseVersion
from disclosures.selectors.answers import public_answers
from disclosures.selectors.public import public_search_text, publication_scope
from disclosures.services import requests as lifecycle
from disclosures.services.publication import approve_publication
from disclosures.services.requests import RequestDraft, create_request, issue_request, update_draft
from disclosures.services.responses import import_answers, save_draft
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.factories import DeveloperFactory, DisclosureRequestFactory, member
from tests.public_data import clear_page_cache, issued

SOURCE = "Marker corpus SRC-4711"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def _public_surfaces(client, request) -> dict[str, str]:
    """Every public surface that can show a declared source of this request."""
    clear_page_cache()
    urls = {
        "page": reverse("public:request_detail", args=[request.reference]),
        "api": reverse("api:public-request-detail", args=[request.reference]),
        "search": reverse("public:sources") + "?q=SRC-4711",
        "api search": reverse("api:public-source-list") + "?q=SRC-4711",
        "csv": reverse("public:sources_csv") + "?q=SRC-4711",
    }
    surfaces = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        surfaces[name] = _body(response)
    publication = Publication.objects.filter(request=request).first()
    surfaces["search index"] = publication.search_text if publication else ""
    return surfaces


def _first_version(request, submitter):
    draft = give_complete_draft(request)
    answers = {**draft.answers}
    answers["sources"] = [{**answers["sources"][0], "name": SOURCE}, answers["sources"][1]]
    save_draft(request=request, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=request, by=submitter)
    return request.response_versions.get(number=1)


def _next_version(request, official, submitter, change) -> ResponseVersion:
    lifecycle.request_clarification(
        request=request, by=official, points="Please check.", deadline=today_in_japan() + timedelta(days=10)
    )
    request.refresh_from_db()
    draft = request.response_draft
    draft.refresh_from_db()
    answers = json.loads(json.dumps(draft.answers))
    change(answers)
    save_draft(request=request, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=request, by=submitter)
    return request.response_versions.order_by("-number").first()


def _claim_first_source(answers):
    answers["sources"][0] |= {"tier": "trade_secret", "reason": "Licence terms are confidential."}


# ---------------------------------------------------------------- item 1: a later claim wins


def test_a_source_claimed_trade_secret_in_version_2_is_withheld_from_version_1_on_every_public_surface(
    client, issued_request, official, supervisor, submitter
):
    first = _first_version(issued_request, submitter)
    assert SOURCE in str(public_answers(first))
    _next_version(issued_request, official, submitter, _claim_first_source)
    approve_publication(request=issued_request, by=supervisor)

    for name, body in _public_surfaces(client, issued_request).items():
        assert SOURCE not in body, name
    shown = public_answers(first)
    assert "sources/0" in shown["withheld"]
    assert [s["name"] for s in shown["sources"]] == []


def test_a_claim_made_before_approval_already_counts_while_its_version_waits(
    client, issued_request, official, supervisor, submitter
):
    _first_version(issued_request, submitter)
    approve_publication(request=issued_request, by=supervisor)
    assert SOURCE in _public_surfaces(client, issued_request)["page"]

    _next_version(issued_request, official, submitter, _claim_first_source)

    for name, body in _public_surfaces(client, issued_request).items():
        assert SOURCE not in body, name


def test_the_claim_follows_its_row_when_rows_are_reordered(client, issued_request, official, supervisor, submitter):
    first = _first_version(issued_request, submitter)
    first_rows = first.answers["sources"]
    assert first_rows[0]["row_id"] != first_rows[1]["row_id"]

    def reorder_and_claim(answers):
        answers["sources"] = [answers["sources"][1], answers["sources"][0]]
        answers["sources"][1] |= {"tier": "trade_secret", "reason": "Licence terms are confidential."}
        answers["sources"][0] |= {"tier": "public", "reason": ""}

    second = _next_version(issued_request, official, submitter, reorder_and_claim)
    assert [s["name"] for s in second.answers["sources"]] == ["Studio archive", SOURCE]
    approve_publication(request=issued_request, by=supervisor)

    assert SOURCE not in str(public_answers(first))
    for name, body in _public_surfaces(client, issued_request).items():
        assert SOURCE not in body, name
    # The studio archive, public only from version 2 on, is shown there and still withheld in version 1.
    assert "Studio archive" in str(public_answers(second))
    assert "Studio archive" not in str(public_answers(first))


def test_an_imported_document_without_row_ids_keeps_each_rows_identity_by_position(
    client, issued_request, official, supervisor, submitter
):
    first = _first_version(issued_request, submitter)
    lifecycle.request_clarification(
        request=issued_request, by=official, points="Please check.", deadline=today_in_japan() + timedelta(days=10)
    )
    issued_request.refresh_from_db()
    rows = [
        {key: value for key, value in row.items() if key != "row_id"}
        for row in json.loads(json.dumps(first.answers["sources"]))
    ]
    rows[0] |= {"tier": "trade_secret", "reason": "Licence terms are confidential."}
    draft = issued_request.response_draft
    import_answers(request=issued_request, by=submitter, document={"sources": rows}, revision=draft.revision)
    lifecycle.submit_response(request=issued_request, by=submitter)
    approve_publication(request=issued_request, by=supervisor)

    assert SOURCE not in str(public_answers(first))
    assert SOURCE not in _public_surfaces(client, issued_request)["search"]


# ---------------------------------------------------------------- item 2: each version is approved


def test_a_version_submitted_after_approval_stays_unpublished_until_its_own_approval(
    client, issued_request, official, submitter, supervisor
):
    _first_version(issued_request, submitter)
    approve_publication(request=issued_request, by=supervisor)

    def add_source(answers):
        answers["sources"].append({**answers["sources"][0], "name": "Second round SRC-4711-NEW", "row_id": ""})

    _next_version(issued_request, official, submitter, add_source)

    for name, body in _public_surfaces(client, issued_request).items():
        assert "SRC-4711-NEW" not in body, name
    scope = publication_scope(issued_request)
    assert [v.number for v, _answers in scope.versions] == [2] and not scope.letter

    approve_publication(request=issued_request, by=supervisor)

    surfaces = _public_surfaces(client, issued_request)
    for name in ("page", "api", "search", "csv", "search index"):
        assert "SRC-4711-NEW" in surfaces[name], name
    assert publication_scope(issued_request).empty


def test_an_approval_covers_only_the_versions_its_page_listed(issued_request, official, submitter, supervisor):
    _first_version(issued_request, submitter)
    _next_version(issued_request, official, submitter, lambda answers: None)

    approve_publication(request=issued_request, by=supervisor, through_version=1)

    assert [v.number for v, _answers in publication_scope(issued_request).versions] == [2]
    assert "SRC-4711" in public_search_text(issued_request)


def test_the_approval_page_lists_the_letter_each_waiting_version_and_its_records(
    client, issued_request, submitter, supervisor, django_capture_on_commit_callbacks
):
    from tests.auth import login

    with django_capture_on_commit_callbacks(execute=True):
        _first_version(issued_request, submitter)
    login(client, supervisor)
    url = reverse("official:request_detail", args=[issued_request.public_id])
    page = client.get(url).content.decode()
    assert 'name="through_version" value="1"' in page
    assert "送付文と自由質問" in page and "第1版" in page  # what the approval covers, in the reader's language
    scope = publication_scope(issued_request)
    assert scope.letter and [v.number for v, _answers in scope.versions] == [1]
    assert {r.kind for r in scope.records} == {"submission"}
    for record in scope.records:
        assert record.title in page

    approve_url = reverse("approve_publication", args=[issued_request.public_id])
    client.post(approve_url, {"through_version": "1", "confirm": "1"})

    page = client.get(url).content.decode()
    assert 'name="through_version"' not in page


# ---------------------------------------------------------------- item 3: two people, really


def _draft(official, developer):
    draft = RequestDraft(
        developer=developer,
        model_name="Kumo Video",
        covering_letter="Letter text",
        sections=["sources"],
        deadline=today_in_japan() + timedelta(days=20),
    )
    return draft, create_request(by=official, draft=draft)


def test_a_supervisor_who_changed_the_draft_letter_cannot_approve_its_publication(ministry, developer, official):
    editor = member(Role.SUPERVISOR, ministry)
    draft, request = _draft(official, developer)
    update_draft(
        request=request,
        by=editor,
        draft=RequestDraft(**{**draft.__dict__, "covering_letter": "Rewritten by the supervisor"}),
    )
    issue_request(request=request, by=official)

    with pytest.raises(PermissionDenied):
        approve_publication(request=request, by=editor)
    assert not Publication.objects.filter(request=request).exists()

    approve_publication(request=request, by=member(Role.SUPERVISOR, ministry))
    assert Publication.objects.filter(request=request).exists()


def test_a_supervisor_who_edited_a_draft_sees_no_approval_button(client, ministry, developer, official):
    from tests.auth import login

    editor = member(Role.SUPERVISOR, ministry)
    draft, request = _draft(official, developer)
    update_draft(request=request, by=editor, draft=draft)
    issue_request(request=request, by=official)
    login(client, editor)
    page = client.get(reverse("official:request_detail", args=[request.public_id])).content.decode()
    assert reverse("approve_publication", args=[request.public_id]) not in page


# ---------------------------------------------------------------- item 6: only developers with an issued request


def test_only_developers_with_an_issued_request_are_named_publicly(client, db):
    asked = issued(developer=DeveloperFactory(name_ja="Asked Labs", name_en="Asked Labs", slug="asked-labs"))
    never = DeveloperFactory(name_ja="Never Asked Inc", name_en="Never Asked Inc", slug="never-asked")
    draft_only = DeveloperFactory(name_ja="Draft Only KK", name_en="Draft Only KK", slug="draft-only")
    DisclosureRequestFactory(developer=draft_only, state="draft", issued_at=None)

    index = client.get(reverse("public:index")).content.decode()
    companies = client.get(reverse("public:companies")).content.decode()
    api = client.get(reverse("api:public-company-list")).content.decode()
    for body in (index, companies, api):
        assert "Asked Labs" in body
        assert "Never Asked Inc" not in body and "Draft Only KK" not in body
    assert client.get(reverse("public:company_detail", args=[asked.developer.slug])).status_code == 200
    for organisation in (never, draft_only):
        assert client.get(reverse("public:company_detail", args=[organisation.slug])).status_code == 404
    assert client.get(reverse("public:index"), {"developer": "never-asked"}).status_code == 400


def test_a_public_pdf_of_version_1_that_a_later_claim_made_too_revealing_is_no_longer_served(
    client, issued_request, official, supervisor, submitter, django_capture_on_commit_callbacks
):
    from disclosures.models import Record, Variant
    from disclosures.selectors.public import public_records

    with django_capture_on_commit_callbacks(execute=True):
        _first_version(issued_request, submitter)
    approve_publication(request=issued_request, by=supervisor)
    first_pdf = Record.objects.get(request=issued_request, kind="submission", variant=Variant.PUBLIC)
    assert first_pdf in public_records(issued_request)
    url = reverse("record_download", args=[first_pdf.public_id])
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        _next_version(issued_request, official, submitter, _claim_first_source)
    approve_publication(request=issued_request, by=supervisor)

    assert first_pdf not in public_records(issued_request)
    assert client.get(url).status_code == 404
    second_pdf = Record.objects.get(
        request=issued_request, kind="submission", variant=Variant.PUBLIC, job__version_number=2
    )
    assert second_pdf in public_records(issued_request)


def test_the_migration_treats_an_existing_approval_as_approving_the_versions_submitted_before_it(db):
    import importlib
    from unittest import mock

    from django.apps import apps
    from django.utils import timezone

    from disclosures.models import PublishedVersion

    migration = importlib.import_module("disclosures.migrations.0003_publication_rules")
    request = issued()
    submitter = member(Role.SUBMITTER, request.developer)
    before = timezone.now() - timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=before):
        ResponseVersion.objects.create(request=request, number=1, answers={}, submitted_by=submitter)
    Publication.objects.create(
        request=request, approved_by=member(Role.SUPERVISOR, request.ministry), approved_at=before + timedelta(days=1)
    )
    ResponseVersion.objects.create(request=request, number=2, answers={}, submitted_by=submitter)

    migration.approve_versions_up_to_each_publication(apps, None)

    assert list(PublishedVersion.objects.values_list("version__number", flat=True)) == [1]
