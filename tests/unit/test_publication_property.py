"""A property of the publication rule: whatever the sequence of versions, claims, decisions and approvals,
no public surface shows content whose latest claim is confidential or undecided.

Each example builds one request through the services: versions whose rows (identified by row id, in a
random order, some left out) and blocks carry random tiers, decisions on random claims by a supervisor,
and approvals after random versions. Every answer's text is a marker naming its row and version; the
public page, the public API, the source search and its CSV, and the search index must show a marker
only when that answer is public in its own version and in its row's latest claim.
"""

import uuid

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosures.models import DeclaredSource, Publication, ResponseVersion
from disclosures.selectors.answers import claims
from disclosures.selectors.public import source_visibility_rule
from disclosures.services.publication import approve_publication, public_changed
from disclosures.services.responses import decide_claim, declare_sources
from portal.accounts.models import Role
from tests.factories import member
from tests.public_data import clear_page_cache, issued

TIERS = ["public", "ministry_only", "trade_secret"]
ROWS = ["a", "b", "c"]

row = st.tuples(st.sampled_from(ROWS), st.sampled_from(TIERS))
version_plan = st.fixed_dictionaries(
    {
        "rows": st.lists(row, max_size=3, unique_by=lambda r: r[0]),
        "block": st.sampled_from(TIERS),
        "decisions": st.lists(st.sampled_from(["accepted", "rejected"]), max_size=2),
        "approve": st.booleans(),
    }
)


def _marker(tag: str, key: str, number: int) -> str:
    return f"M{tag}x{key}x{number}x"


def _answers(plan: dict, tag: str, number: int) -> dict:
    return {
        "training_data": {
            "tier": plan["block"],
            "reason": "" if plan["block"] == "public" else "why",
            "summary": _marker(tag, "block", number),
        },
        "sources": [
            {
                "row_id": key,
                "tier": tier,
                "reason": "" if tier == "public" else "why",
                "name": _marker(tag, key, number),
                "top_domains": [f"{_marker(tag, key, number)}.example"],
            }
            for key, tier in plan["rows"]
        ],
    }


def _surfaces(client, request, tag: str) -> str:
    clear_page_cache()
    bodies = []
    for url in (
        reverse("public:request_detail", args=[request.reference]),
        reverse("api:public-request-detail", args=[request.reference]),
        reverse("public:sources") + f"?q=M{tag}",
        reverse("api:public-source-list") + f"?q=M{tag}",
        reverse("public:sources_csv") + f"?q=M{tag}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append((b"".join(response.streaming_content) if response.streaming else response.content).decode())
    publication = Publication.objects.filter(request=request).first()
    bodies.append(publication.search_text if publication else "")
    return "\n".join(bodies)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=st.lists(version_plan, min_size=1, max_size=4))
def test_no_public_surface_shows_an_answer_whose_latest_claim_is_not_public(client, plans):
    tag = uuid.uuid4().hex[:10]
    request = issued()
    submitter = member(Role.SUBMITTER, request.developer)
    supervisor = member(Role.SUPERVISOR, request.ministry)
    latest: dict[str, str] = {}
    for number, plan in enumerate(plans, start=1):
        version = ResponseVersion.objects.create(
            request=request, number=number, answers=_answers(plan, tag, number), submitted_by=submitter
        )
        declare_sources(version=version)
        public_changed(request)  # as submit_response does after freezing the version
        latest["block"] = plan["block"]
        latest |= dict(plan["rows"])
        for claim, decision in zip(claims(version), plan["decisions"], strict=False):
            decide_claim(version=version, answer_path=claim.path, decision=decision, reason="no", by=supervisor)
        if plan["approve"]:
            approve_publication(request=request, by=supervisor)
        # The public surfaces read the stored flag; after every step it is what the rule computes.
        stored = DeclaredSource.objects.filter(request=request, publicly_visible=True).values_list("pk", flat=True)
        assert set(stored) == set(source_visibility_rule().filter(request=request).values_list("pk", flat=True))

    shown = _surfaces(client, request, tag)

    for number, plan in enumerate(plans, start=1):
        own = {"block": plan["block"], **dict(plan["rows"])}
        for key, tier in own.items():
            if tier != "public" or latest[key] != "public":
                assert _marker(tag, key, number) not in shown, (key, number, plans)
    # The rule withholds only what it must: the latest approved version shows what is public throughout.
    approved = [n for n, plan in enumerate(plans, start=1) if plan["approve"]]
    if approved:
        plan = plans[approved[-1] - 1]
        for key, tier in {"block": plan["block"], **dict(plan["rows"])}.items():
            if tier == "public" and latest[key] == "public":
                assert _marker(tag, key, approved[-1]) in shown, (key, plans)
