"""The stored visibility of declared sources (`DeclaredSource.publicly_visible`) follows the rule through
the services: publication shows a version's public rows, a later claim withholds an earlier version's row
from every public surface, and no decision on a claim releases it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.models import DeclaredSource
from disclosures.selectors.public import public_sources, search_sources, source_visibility_rule
from disclosures.services import requests as lifecycle
from disclosures.services.publication import approve_publication, refresh_source_visibility
from disclosures.services.responses import decide_claim, save_draft
from tests.answers_data import give_complete_draft
from tests.public_data import clear_page_cache

ALL = ["provider", "training_data", "sources", "output_filters", "takedown", "governance"]
NAME = "Common Crawl 2024"  # public in the complete draft; "Studio archive" is claimed a trade secret


@pytest.fixture
def submitted(issued_request, submitter):
    issued_request.sections = ALL
    issued_request.save()
    give_complete_draft(issued_request)
    lifecycle.submit_response(request=issued_request, by=submitter)
    return issued_request


def _stored_is_the_rule(request) -> bool:
    stored = set(DeclaredSource.objects.filter(request=request, publicly_visible=True).values_list("pk", flat=True))
    return stored == set(source_visibility_rule().filter(request=request).values_list("pk", flat=True))


def _public_surfaces(client) -> str:
    """The search page, the API list and the CSV of the query "Common Crawl"."""
    clear_page_cache()
    q = "?q=Common+Crawl"
    bodies = [
        client.get(reverse("public:sources") + q).content,
        client.get(reverse("api:public-source-list") + q).content,
        b"".join(client.get(reverse("public:sources_csv") + q).streaming_content),
    ]
    return b"\n".join(bodies).decode()


def test_a_version_s_public_sources_become_visible_only_when_its_publication_is_approved(submitted, supervisor):
    assert not public_sources().exists()
    assert _stored_is_the_rule(submitted)

    approve_publication(request=submitted, by=supervisor)

    assert list(public_sources().values_list("name", flat=True)) == [NAME]
    assert _stored_is_the_rule(submitted)


def test_a_source_claimed_a_trade_secret_in_a_later_version_leaves_every_public_surface(
    client, submitted, official, submitter, supervisor
):
    approve_publication(request=submitted, by=supervisor)
    assert NAME in _public_surfaces(client)

    lifecycle.request_clarification(
        request=submitted, by=official, points="Say more.", deadline=today_in_japan() + timedelta(days=10)
    )
    draft = submitted.response_draft
    answers = {**draft.answers}
    answers["sources"] = [
        {**answers["sources"][0], "tier": "trade_secret", "reason": "Licence terms"},
        *answers["sources"][1:],
    ]
    submitted.refresh_from_db()
    save_draft(request=submitted, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=submitted, by=submitter)

    # Version 1 is still approved, but its row's latest claim is now a trade secret.
    first = DeclaredSource.objects.get(version__number=1, name=NAME)
    assert not first.publicly_visible
    assert _stored_is_the_rule(submitted)
    assert NAME not in _public_surfaces(client)
    assert not search_sources("Common Crawl").exists()

    # Neither a decision on the claim nor the approval of version 2 releases it.
    decide_claim(
        version=submitted.response_versions.get(number=2),
        answer_path="sources/0",
        decision="rejected",
        reason="Already public",
        by=supervisor,
    )
    approve_publication(request=submitted, by=supervisor)
    assert not DeclaredSource.objects.filter(name=NAME, publicly_visible=True).exists()
    assert _stored_is_the_rule(submitted)
    assert NAME not in _public_surfaces(client)


def test_refreshing_every_source_repairs_a_wrong_stored_flag(submitted, supervisor):
    approve_publication(request=submitted, by=supervisor)
    secret = DeclaredSource.objects.get(name="Studio archive")
    DeclaredSource.objects.filter(pk=secret.pk).set_publicly_visible(True)
    DeclaredSource.objects.filter(name=NAME).set_publicly_visible(False)

    refresh_source_visibility()

    assert list(public_sources().values_list("name", flat=True)) == [NAME]
