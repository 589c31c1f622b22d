"""Issue 12, the public index: the stored index columns agree with the audit events through every
transition, and the index sorts on them (SQLite; the PostgreSQL plans are in the integration test)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.filters import PublicRequestFilter
from disclosures.models import DisclosureRequest
from disclosures.selectors.public import OPEN_RANK, computed_index_values, public
from disclosures.services import requests as lifecycle
from disclosures.services.summary import INDEX_COLUMNS, rebuild_figures
from disclosures.states import State
from portal.accounts.models import Role
from tests.answers_data import give_complete_draft
from tests.factories import DeveloperFactory, DisclosureRequestFactory, member
from tests.public_data import clear_page_cache, declined, issued

COMPARED = ("first_submit_at", "declined_at", "issue_deadline", "ended_at")
ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _stored(request) -> dict:
    return public().filter(pk=request.pk).values(*COMPARED).get()


def _computed(request) -> dict:
    return computed_index_values().filter(pk=request.pk).values(*COMPARED).get()


def _assert_agrees(request) -> None:
    assert _stored(request) == _computed(request)
    row = DisclosureRequest.objects.get(pk=request.pk)
    assert row.index_developer == row.developer.name_en and row.index_ministry == row.ministry.name_en


def _draft(official, developer):
    draft = DisclosureRequestFactory(
        state=State.DRAFT, ministry=official.organisation, developer=developer, issued_at=None, sections=ALL
    )
    draft.deadline = today_in_japan() + timedelta(days=20)
    draft.save()
    return draft


def test_the_stored_columns_follow_every_transition(db):
    developer = DeveloperFactory()
    official = member(Role.OFFICIAL)
    submitter = member(Role.SUBMITTER, developer)

    answered = _draft(official, developer)
    lifecycle.issue_request(request=answered, by=official)
    _assert_agrees(answered)
    assert _stored(answered)["issue_deadline"] == answered.deadline and _stored(answered)["ended_at"] is None
    give_complete_draft(answered)
    lifecycle.submit_response(request=answered, by=submitter)
    _assert_agrees(answered)
    assert _stored(answered)["first_submit_at"] is not None
    answered = lifecycle.request_clarification(
        request=answered, by=official, points="Which crawl?", deadline=today_in_japan() + timedelta(days=9)
    )
    _assert_agrees(answered)
    give_complete_draft(answered)
    answered = lifecycle.submit_response(request=answered, by=submitter)  # the resubmission
    _assert_agrees(answered)
    lifecycle.start_review(request=answered, by=official)
    lifecycle.find_insufficient(request=answered, by=official, reasons="Still vague.")
    _assert_agrees(answered)
    lifecycle.close_request(request=answered, by=official)
    _assert_agrees(answered)
    ended = _stored(answered)["ended_at"]
    assert ended is not None
    row = DisclosureRequest.objects.get(pk=answered.pk)
    assert row.index_days_open == int((ended - row.issued_at).total_seconds())

    refused = _draft(official, developer)
    lifecycle.issue_request(request=refused, by=official)
    lifecycle.decline_request(request=refused, by=submitter, reasons="Trade secret.")
    _assert_agrees(refused)
    assert _stored(refused)["declined_at"] is not None and _stored(refused)["ended_at"] is not None

    withdrawn = _draft(official, developer)
    lifecycle.issue_request(request=withdrawn, by=official)
    lifecycle.withdraw_request(request=withdrawn, by=official, reasons="Sent in error.")
    _assert_agrees(withdrawn)

    still_open = _draft(official, developer)
    lifecycle.issue_request(request=still_open, by=official)
    row = DisclosureRequest.objects.get(pk=still_open.pk)
    assert row.index_days_open == OPEN_RANK - int(row.issued_at.timestamp())

    # The rebuild (and the migration's backfill, the same definitions) gives what the transitions kept.
    kept = {r.pk: [getattr(r, c) for c in INDEX_COLUMNS] for r in DisclosureRequest.objects.all()}
    DisclosureRequest.objects.update(index_days_open=None, index_first_submit_at=None, index_developer="")
    rebuild_figures()
    assert {r.pk: [getattr(r, c) for c in INDEX_COLUMNS] for r in DisclosureRequest.objects.all()} == kept


def _sorted(sort: str) -> list[str]:
    rows = PublicRequestFilter({"sort": sort}, queryset=public()).qs
    return list(rows.values_list("reference", flat=True))


def test_days_open_sorts_ended_requests_by_duration_then_open_ones_by_issue(db):
    quick = issued(days_ago=40, state=State.DECLINED, reference="R-QUICK")
    slow = issued(days_ago=40, state=State.DECLINED, reference="R-SLOW")
    declined(quick, after_days=2, reasons="No.")
    declined(slow, after_days=30, reasons="No.")
    old = issued(days_ago=60, reference="R-OLD")
    new = issued(days_ago=3, reference="R-NEW")

    assert _sorted("days_open") == [quick.reference, slow.reference, new.reference, old.reference]
    assert _sorted("-days_open") == [old.reference, new.reference, slow.reference, quick.reference]
    days = {r.reference: r.open_for.days for r in public()}
    assert days == {"R-QUICK": 2, "R-SLOW": 30, "R-OLD": 60, "R-NEW": 3}


def test_developer_ministry_and_state_sorts_break_ties_on_the_reference_in_their_direction(db):
    alpha, beta = DeveloperFactory(name_en="Alpha AI"), DeveloperFactory(name_en="Beta AI")
    issued(developer=beta, reference="R-3")
    issued(developer=alpha, reference="R-2")
    issued(developer=alpha, reference="R-1")

    assert _sorted("developer") == ["R-1", "R-2", "R-3"]
    assert _sorted("-developer") == ["R-3", "R-2", "R-1"]
    assert _sorted("state") == ["R-1", "R-2", "R-3"]
    assert _sorted("-state") == ["R-3", "R-2", "R-1"]


def test_drafts_and_requests_withdrawn_before_issue_never_appear_in_any_sort(client, db):
    shown = issued(reference="R-SHOWN")
    DisclosureRequestFactory(state=State.DRAFT, issued_at=None, reference="R-DRAFT")
    DisclosureRequestFactory(state=State.WITHDRAWN, issued_at=None, reference="R-GONE")
    for sort in ("days_open", "-days_open", "developer", "ministry", "state", "-issued"):
        assert _sorted(sort) == [shown.reference]
        body = client.get(reverse("public:index"), {"sort": sort}).content.decode()
        assert "R-SHOWN" in body and "R-DRAFT" not in body and "R-GONE" not in body
        clear_page_cache()


def test_sorting_the_index_costs_the_same_queries_as_before(client, db, django_assert_num_queries):
    for n in range(3):
        issued(reference=f"R-{n}")
    for sort in ("-days_open", "developer", "ministry"):
        clear_page_cache()
        with django_assert_num_queries(4):
            response = client.get(reverse("public:index"), {"sort": sort})
        assert response.status_code == 200
