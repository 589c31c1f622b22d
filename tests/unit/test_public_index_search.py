"""Issue 12, the index's search and its pages (SQLite; the PostgreSQL plans are in the integration tests).

The search reads only the requests' stored search keys (`RequestSearch`): Japanese words inside
sentences, readings and width variants of the public text; English words; substrings of the reference
and of the company names. Nothing that is not public is ever found: not the letter before publication,
not an answer withheld by its latest claim. Pages are read by a deferred join, so every page shows the
rows an offset would, in the order of each sort, in the same number of queries.
"""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.deadlines import today_in_japan
from disclosures.filters import PublicRequestFilter
from disclosures.models import RequestSearch
from disclosures.selectors.public import public
from disclosures.services import requests as lifecycle
from disclosures.services.publication import approve_publication, rebuild_request_search
from disclosures.services.responses import decide_claim, save_draft
from disclosures.views.public.pages import IndexPaginator
from tests.answers_data import give_complete_draft
from tests.factories import DeveloperFactory, MinistryFactory
from tests.public_data import answered, clear_page_cache, issued, publish, references, version

SORTS = ("", "issued", "-issued", "deadline", "-deadline", "reference", "-reference", "developer", "-developer")
SORTS += ("ministry", "-ministry", "model", "-model", "state", "-state", "days_open", "-days_open")


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()
    yield
    clear_page_cache()


def found(client, q: str, **params) -> list[str]:
    clear_page_cache()
    return references(client.get(reverse("public:index"), {"q": q, **params}))


def _published_with_source(name: str, **fields):
    request = issued(**fields)
    version(request, {"sources": [{"name": name, "tier": "public", "reason": ""}]})
    publish(request)
    return request


def test_a_japanese_word_inside_a_published_sentence_is_found_as_written_as_read_and_in_any_width(client, db):
    published = _published_with_source("講談社の作品を学習に使用")
    issued(model_name="Other")

    assert found(client, "講談社") == [published.reference]
    assert found(client, "作品") == [published.reference]  # a word in the middle of the sentence
    assert found(client, "こうだんしゃ") == [published.reference]  # its reading
    assert found(client, "ｺｳﾀﾞﾝｼｬ") == [published.reference]  # the reading in half-width katakana
    assert found(client, "学習 講談社") == [published.reference]  # words in another order
    assert found(client, "集英社") == []


def test_english_words_of_the_public_text_and_fragments_of_the_metadata_are_found(client, db):
    kumo = DeveloperFactory(name_en="Kumo Labs K.K.", name_ja="クモラボ株式会社")
    meti = MinistryFactory(name_en="Ministry of Economy, Trade and Industry", name_ja="経済産業省")
    published = issued(developer=kumo, ministry=meti, model_name="Hanabi Video", reference="AIPA16-2026-0042")
    published.covering_letter = "Explain how the crawler honoured robots.txt reservations."
    published.save()
    publish(published)
    other = issued(model_name="Sora Chat", reference="AIPA16-2026-0777")

    assert found(client, "Reservations CRAWLER") == [published.reference]
    assert found(client, "robots.txt") == [published.reference]
    assert found(client, "Kumo") == [published.reference]  # a fragment of the developer's name
    assert found(client, "ＫＵＭＯ　ｌａｂｓ") == [published.reference]  # full-width letters and space
    assert found(client, "クモラボ") == [published.reference]
    assert found(client, "経済産業") == [published.reference]  # a fragment of the ministry's name
    assert found(client, "hanabi") == [published.reference]
    assert found(client, "2026-0042") == [published.reference]  # a fragment of the reference
    assert found(client, "2026-0") == sorted([published.reference, other.reference])
    assert found(client, "Sora") == [other.reference]
    assert found(client, "unheardofword") == []


def test_the_letter_of_an_unpublished_request_is_not_searchable_but_its_metadata_is(client, db):
    unpublished = issued(model_name="Hidden Model")
    unpublished.covering_letter = "講談社の作品について説明を求めます。"
    unpublished.save()
    answered(unpublished, after_days=3)  # a transition rewrites the keys, without the letter

    assert found(client, "講談社") == []
    assert found(client, "説明") == []
    assert found(client, "Hidden") == [unpublished.reference]

    publish(unpublished)
    assert found(client, "講談社") == [unpublished.reference]


def test_a_source_claimed_trade_secret_never_matches(client, db):
    request = issued()
    version(request, {"sources": [{"name": "秘密の字幕コーパス", "tier": "trade_secret", "reason": "Licence."}]})
    publish(request)

    assert found(client, "字幕") == []
    assert found(client, "じまく") == []
    assert "字幕" not in RequestSearch.objects.get(request=request).tokens


def _status(client, **params) -> str:
    clear_page_cache()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("public:index"), params).content.decode()
    return re.search(r'<p role="status">([^·]*)', body).group(1).strip()


def test_a_search_counts_its_public_matches_and_says_when_there_are_more_than_it_counts(client, db, monkeypatch):
    monkeypatch.setattr("disclosures.search.MAX_LISTED_MATCHES", 3)
    monkeypatch.setattr("disclosures.views.public.pages.MAX_COUNTED_REQUESTS", 3)
    kumo = DeveloperFactory(name_en="Kumo Labs K.K.")
    matching = [_published_with_source("講談社の作品を学習に使用", developer=kumo) for _ in range(2)]
    secret = issued(developer=kumo)
    version(secret, {"sources": [{"name": "講談社の原画", "tier": "trade_secret", "reason": "Contract."}]})
    publish(secret)
    issued(model_name="Other")

    # Counted by the search itself (no count query), never counting the request whose match is withheld.
    assert _status(client, q="講談社") == "2 requests"
    assert found(client, "講談社") == sorted(r.reference for r in matching)

    matching.append(_published_with_source("講談社", developer=kumo))
    assert _status(client, q="講談社") == "3 requests"
    other = _published_with_source("講談社")
    assert _status(client, q="講談社").startswith("More than 3 requests")
    # Another filter narrows what the search found: counted again, within the filter.
    assert _status(client, q="講談社", developer=kumo.slug) == "3 requests"
    assert other.reference not in found(client, "講談社", developer=kumo.slug)
    assert _status(client, q="zzqqxx") == "0 requests"


def _answers_with_source(request, name):
    draft = give_complete_draft(request)
    answers = json.loads(json.dumps(draft.answers))
    answers["sources"][0] |= {"name": name, "tier": "public", "reason": ""}
    return draft, answers


def test_an_answer_claimed_confidential_later_leaves_the_search_and_a_decision_does_not_bring_it_back(
    client, issued_request, official, supervisor, submitter
):
    draft, answers = _answers_with_source(issued_request, "字幕コーパス Marker")
    save_draft(request=issued_request, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=issued_request, by=submitter)
    approve_publication(request=issued_request, by=supervisor)
    assert found(client, "字幕") == [issued_request.reference]
    assert found(client, "marker") == [issued_request.reference]

    lifecycle.request_clarification(
        request=issued_request, by=official, points="Please check.", deadline=today_in_japan() + timedelta(days=10)
    )
    issued_request.refresh_from_db()
    draft = issued_request.response_draft
    draft.refresh_from_db()
    answers = json.loads(json.dumps(draft.answers))
    answers["sources"][0] |= {"tier": "trade_secret", "reason": "Licence terms are confidential."}
    save_draft(request=issued_request, by=submitter, answers=answers, revision=draft.revision)
    lifecycle.submit_response(request=issued_request, by=submitter)  # version 2, still waiting for approval

    assert found(client, "字幕") == [] and found(client, "marker") == []
    second = issued_request.response_versions.get(number=2)
    decide_claim(version=second, answer_path="sources/0", decision="accepted", by=supervisor)
    approve_publication(request=issued_request, by=supervisor)
    assert found(client, "字幕") == [] and found(client, "marker") == []
    assert found(client, issued_request.reference) == [issued_request.reference]

    # The rebuild (the repair path and the bulk load) writes what the services kept.
    kept = {r.pk: (r.text_key, r.tokens) for r in RequestSearch.objects.all()}
    rebuild_request_search()
    assert {r.pk: (r.text_key, r.tokens) for r in RequestSearch.objects.all()} == kept
    assert found(client, "字幕") == []


def _many_requests(n: int) -> None:
    developers = [DeveloperFactory(name_en=f"{name} AI") for name in ("Alpha", "Beta", "Gamma")]
    ministries = [MinistryFactory() for _ in range(2)]
    for i in range(n):
        issued(
            days_ago=1 + (i * 7) % 23,
            deadline_in=5 + (i * 3) % 4,  # many ties, broken by the reference
            developer=developers[i % 3],
            ministry=ministries[i % 2],
            model_name=f"Model {i % 4}",
            state=("issued", "declined", "accepted")[i % 3],
        )


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_of_every_sort_shows_the_rows_an_offset_would(db, sort):
    _many_requests(13)
    rows = PublicRequestFilter({"sort": sort} if sort else {}, queryset=public()).qs
    expected = list(rows.values_list("reference", flat=True))
    paginator = IndexPaginator(rows, 3, orphans=1)

    pages = [[r.reference for r in paginator.page(n).object_list] for n in paginator.page_range]

    assert pages == [expected[0:3], expected[3:6], expected[6:9], expected[9:13]]


def test_a_far_page_of_the_index_shows_its_rows_in_order_with_links_to_its_neighbours(client, db, monkeypatch):
    monkeypatch.setattr("disclosures.views.public.pages.PAGE_SIZE", 2)
    _many_requests(9)
    ordered = list(PublicRequestFilter({"sort": "deadline"}, queryset=public()).qs.values_list("reference", flat=True))

    body = client.get(reverse("public:index"), {"sort": "deadline", "page": 4}).content.decode()

    shown = [r for r in ordered if r in body]
    assert shown == ordered[6:8]
    assert body.index(ordered[6]) < body.index(ordered[7])
    assert "page=3" in body and "page=5" in body and "sort=deadline" in body


def _queries(client, params) -> int:
    clear_page_cache()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("public:index"), params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"page": "2"}, {"q": "alpha"}, {"q": "講談社", "sort": "-deadline"}, {"sort": "days_open", "page": "2"}],
)
def test_the_index_costs_the_same_queries_whatever_the_number_of_requests(client, db, params):
    _many_requests(4)
    few = _queries(client, params)
    _many_requests(40)
    assert _queries(client, params) == few
