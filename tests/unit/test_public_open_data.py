import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from disclosures.states import State
from tests.factories import DeveloperFactory, DisclosureRequestFactory
from tests.public_data import clear_page_cache, declined, issued, publish, version


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_requests_csv_is_streamed_and_holds_issued_requests_only(client, db):
    shown = issued()
    DisclosureRequestFactory(state=State.DRAFT)
    DisclosureRequestFactory(state=State.WITHDRAWN, issued_at=None)

    response = client.get(reverse("public:requests_csv"))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert [r["reference"] for r in rows] == [shown.reference]
    assert rows[0]["developer"] == shown.developer.name_en and rows[0]["state"] == "issued"


def test_requests_csv_takes_the_index_filters(client, db):
    kumo = DeveloperFactory(slug="kumo")
    wanted = issued(developer=kumo)
    issued()
    rows = _csv(client.get(reverse("public:requests_csv"), {"developer": "kumo"}))
    assert [r["reference"] for r in rows] == [wanted.reference]


def test_sources_csv_is_streamed_and_lists_public_sources_of_published_requests(client, db):
    request = issued()
    publish(request)
    version(
        request, {}, sources=[{"name": "Open anime set", "tier": "public"}, {"name": "Secret", "tier": "trade_secret"}]
    )

    response = client.get(reverse("public:sources_csv"))

    assert isinstance(response, StreamingHttpResponse)
    assert [r["name"] for r in _csv(response)] == ["Open anime set"]


def test_public_api_lists_requests_without_sign_in_paginated_and_filterable(client, db):
    kumo = DeveloperFactory(slug="kumo")
    wanted = issued(developer=kumo)
    issued()
    DisclosureRequestFactory(state=State.DRAFT)

    everything = client.get(reverse("api:public-request-list")).json()
    filtered = client.get(reverse("api:public-request-list"), {"developer": "kumo"}).json()

    # Keyset pages: no count (it would grow with the data), a cursor to the next page.
    assert len(everything["results"]) == 2 and "next" in everything and "count" not in everything
    assert [r["reference"] for r in filtered["results"]] == [wanted.reference]
    assert set(filtered["results"][0]) >= {"developer", "model_name", "ministry", "deadline", "days_open", "overdue"}


def test_public_api_request_detail_has_the_timeline_and_withholds_the_letter_until_published(client, db):
    request = issued(state=State.DECLINED)
    declined(request, after_days=1, reasons="Trade secret.")
    url = reverse("api:public-request-detail", args=[request.reference])

    data = client.get(url).json()
    assert data["covering_letter"] is None and data["answers"] == []
    assert [e["action"] for e in data["timeline"]] == ["issue", "decline"]
    assert data["timeline"][1]["reasons"] == "Trade secret."

    publish(request)
    assert client.get(url).json()["covering_letter"] == request.covering_letter


def test_public_api_companies_and_sources_answer_without_sign_in(client, db):
    request = issued()
    publish(request)
    version(request, {}, sources=[{"name": "Open anime set", "tier": "public", "top_domains": ["anime.example"]}])

    companies = client.get(reverse("api:public-company-list")).json()
    sources = client.get(reverse("api:public-source-list"), {"q": "anime.example"}).json()

    assert companies["results"][0]["slug"] == request.developer.slug
    assert [s["name"] for s in sources["results"]] == ["Open anime set"]


def test_openapi_schema_and_docs_are_public(client, db):
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 200


def test_atom_feed_announces_decisions_on_issued_requests(client, db):
    request = issued(state=State.DECLINED)
    declined(request, after_days=1, reasons="Because.")
    DisclosureRequestFactory(state=State.DRAFT, model_name="Draft model")

    response = client.get(reverse("public:feed"))

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert body.count("<entry>") == 2
    assert request.reference in body and "Draft model" not in body
