from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from disclosures.deadlines import today_in_japan
from disclosures.models import DeclaredSource, ResponseVersion
from disclosures.selectors.answers import changed_paths, compare_documents, public_answers, public_declared_sources
from disclosures.services import requests as lifecycle
from disclosures.services.responses import IncompleteAnswer, decide_claim, save_draft
from tests.answers_data import give_complete_draft

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]


@pytest.fixture
def submitted(issued_request, submitter):
    issued_request.sections = ALL
    issued_request.save()
    give_complete_draft(issued_request)
    lifecycle.submit_response(request=issued_request, by=submitter)
    return issued_request.response_versions.get()


def test_submitting_freezes_version_one_and_records_it_on_the_event(submitted):
    assert submitted.number == 1
    submitted.request.refresh_from_db()
    assert submitted.request.state == "submitted"
    event = submitted.request.events.get(action="submit")
    assert event.data == {"version": 1}
    assert [s.name for s in DeclaredSource.objects.filter(version=submitted)] == ["Common Crawl 2024", "Studio archive"]


def test_an_incomplete_draft_cannot_be_submitted_and_nothing_changes(issued_request, submitter):
    with pytest.raises(IncompleteAnswer) as error:
        lifecycle.submit_response(request=issued_request, by=submitter)
    assert any(p.anchor == "rows-sources" for p in error.value.problems)
    issued_request.refresh_from_db()
    assert issued_request.state == "issued"
    assert not ResponseVersion.objects.exists()


def test_a_responder_cannot_submit(issued_request, responder):
    give_complete_draft(issued_request)
    with pytest.raises(PermissionDenied):
        lifecycle.submit_response(request=issued_request, by=responder)
    assert not ResponseVersion.objects.exists()


def test_a_submitted_version_cannot_be_changed_or_deleted_by_any_call(submitted):
    submitted.answers = {}
    with pytest.raises(PermissionError):
        submitted.save()
    with pytest.raises(PermissionError):
        submitted.delete()
    with pytest.raises(PermissionError):
        ResponseVersion.objects.filter(pk=submitted.pk).update(answers={})
    with pytest.raises(PermissionError):
        ResponseVersion.objects.filter(pk=submitted.pk).delete()
    with pytest.raises(PermissionError):
        DeclaredSource.objects.filter(version=submitted).update(name="x")
    submitted.refresh_from_db()
    assert submitted.answers["provider"]["legal_name"] == "Kumo K.K."


def test_a_clarification_round_makes_a_new_version_and_the_diff_shows_exactly_the_changes(
    submitted, official, submitter
):
    request = submitted.request
    lifecycle.request_clarification(
        request=request, by=official, points="Name the crawler.", deadline=today_in_japan() + timedelta(days=10)
    )
    draft = request.response_draft
    answers = {**draft.answers}
    answers["provider"] = {**answers["provider"], "legal_name": "Kumo Holdings K.K."}
    answers["sources"] = [{**answers["sources"][0], "top_domains": ["example.jp"]}, answers["sources"][1]]
    request.refresh_from_db()
    save_draft(request=request, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=request, by=submitter)
    second = request.response_versions.get(number=2)
    assert request.events.filter(action="resubmit").get().data == {"version": 2}
    assert changed_paths(submitted, second) == {"provider.legal_name", "sources/0.top_domains"}


def test_the_diff_shows_answers_as_the_reader_reads_them_not_as_stored_codes(submitted):
    old = submitted.answers
    new = {
        **old,
        "sources": [{**old["sources"][0], "consent_basis": "none", "tier": "trade_secret"}],
        "governance": {**old["governance"], "attestation": False},
    }
    with translation.override("en"):
        rows = {row.path: row for row in compare_documents(old, new) if row.changed}
    assert (rows["sources/0.consent_basis"].old, rows["sources/0.consent_basis"].new) == ("Opt-out honoured", "None")
    assert rows["sources/0.tier"].new == "Trade secret"
    assert (rows["governance.attestation"].old, rows["governance.attestation"].new) == ("Yes", "No")
    with translation.override("ja"):
        (consent,) = [row for row in compare_documents(old, new) if row.path == "sources/0.consent_basis"]
    assert consent.old == "オプトアウトを尊重"


def test_public_answers_hold_back_every_undecided_or_accepted_claim(submitted, supervisor):
    shown = public_answers(submitted)
    assert [s["name"] for s in shown["sources"]] == ["Common Crawl 2024"]
    assert "sources/1" in shown["withheld"]
    assert "tier" not in shown["provider"] and "reason" not in shown["sources"][0]
    assert "Studio archive" not in str(shown)
    decide_claim(version=submitted, answer_path="sources/1", decision="accepted", by=supervisor)
    assert "Studio archive" not in str(public_answers(submitted))


def test_a_rejected_claim_still_holds_until_the_developer_resubmits(submitted, supervisor):
    decide_claim(
        version=submitted, answer_path="sources/1", decision="rejected", reason="Already public", by=supervisor
    )
    shown = public_answers(submitted)
    assert [s["name"] for s in shown["sources"]] == ["Common Crawl 2024"]
    assert "Studio archive" not in str(shown) and "Commercial terms" not in str(shown)
    assert set(public_declared_sources().values_list("name", flat=True)) == {"Common Crawl 2024"}


def test_a_row_inside_a_withheld_block_is_withheld_and_an_unknown_tier_is_not_public(submitted):
    answers = {**submitted.answers}
    answers["takedown"] = {**answers["takedown"], "tier": "trade_secret"}
    answers["governance"] = {**answers["governance"], "tier": "bogus"}
    answers["questions"] = {
        "1": {"answer": "secret", "tier": "ministry_only"},
        "2": {"answer": "open", "tier": "public"},
    }
    version = ResponseVersion.objects.create(
        request=submitted.request, number=2, answers=answers, submitted_by=submitted.submitted_by
    )
    shown = public_answers(version)
    assert "takedown" not in shown and "governance" not in shown
    assert "takedown@kumo" not in str(shown) and "secret" not in str(shown)
    assert shown["questions"] == {"2": {"answer": "open"}}


def test_the_public_source_search_hides_undecided_claims(submitted):
    assert list(public_declared_sources().values_list("name", flat=True)) == ["Common Crawl 2024"]


def test_only_the_requesting_ministry_decides_claims(submitted, responder):
    with pytest.raises(PermissionDenied):
        decide_claim(version=submitted, answer_path="sources/1", decision="rejected", reason="x", by=responder)


def test_only_a_supervisor_decides_claims_and_an_officials_decision_is_refused(submitted, official, supervisor):
    with pytest.raises(PermissionDenied):
        decide_claim(version=submitted, answer_path="sources/1", decision="accepted", by=official)
    assert not submitted.confidentiality_decisions.exists()
    decide_claim(version=submitted, answer_path="sources/1", decision="accepted", by=supervisor)
    assert submitted.confidentiality_decisions.get().decided_by == supervisor
