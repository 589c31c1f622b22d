"""Full-text search of published text on PostgreSQL (SQLite matches the same keys by substring)."""

import pytest
from django.db import connection
from django.urls import reverse

from disclosures.models import RequestSearch
from disclosures.search import request_match
from tests.factories import DeveloperFactory
from tests.public_data import clear_page_cache, issued, publish, references, version

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Public pages are cached in Redis here; a page cached by an earlier run must not answer.
    clear_page_cache()


def test_postgresql_full_text_search_matches_words_of_published_text_only(client):
    assert connection.vendor == "postgresql"
    published = issued(model_name="Kumo Video")
    published.covering_letter = "The crawlers honoured robots.txt reservations since 2024."
    published.save()
    publish(published)
    unpublished = issued(model_name="Other")
    unpublished.covering_letter = "The crawlers honoured robots.txt reservations too."
    unpublished.save()

    # Words in another order and another form than the letter: only a word match finds these.
    assert references(client.get(reverse("public:index"), {"q": "reservations crawlers"})) == [published.reference]
    assert references(client.get(reverse("public:index"), {"q": "Honoured ROBOTS.TXT"})) == [published.reference]
    assert references(client.get(reverse("public:index"), {"q": "reservations unheardofword"})) == []


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: a scan would win otherwise
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_japanese_word_inside_a_published_sentence_is_found_through_the_word_index(client):
    published = issued(developer=DeveloperFactory(name_en="Kumo Labs K.K."))
    version(published, {"sources": [{"name": "講談社の作品を学習に使用", "tier": "public", "reason": ""}]})
    publish(published)
    secret = issued()
    version(secret, {"sources": [{"name": "講談社の作品を学習に使用", "tier": "trade_secret", "reason": "Licence."}]})
    publish(secret)
    issued(model_name="Other")

    for query in ("講談社", "こうだんしゃ", "ｺｳﾀﾞﾝｼｬ", "作品"):
        assert references(client.get(reverse("public:index"), {"q": query})) == [published.reference], query
        clear_page_cache()
    # The condition search_requests puts on the search keys, planned alone (a handful of requests would
    # otherwise be probed one by one through the primary key).
    plan = _plan(RequestSearch.objects.filter(request_match("講談社")).values("request_id"))
    assert "request_search_vector" in plan, plan
    # A fragment of a name: the trigram index of the names, beside the word index.
    assert references(client.get(reverse("public:index"), {"q": "Kumo La"})) == [published.reference]
    plan = _plan(RequestSearch.objects.filter(request_match("Kumo La")).values("request_id"))
    assert "request_search_text_trgm" in plan, plan


def test_the_search_indexes_exist_on_postgresql_and_the_old_ones_are_gone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'disclosures_%'")
        indexes = dict(cursor.fetchall())
    assert "gin (vector)" in indexes["request_search_vector"]
    assert "gin_trgm_ops" in indexes["request_search_text_trgm"]
    assert "publication_search_text_fts" not in indexes and "publication_search_text_trgm" not in indexes


def test_the_capped_count_of_a_source_search_counts_only_visible_sources_and_leaves_the_planner_as_it_was():
    from disclosures.search import capped_count
    from disclosures.selectors.public import search_sources

    request = issued()
    publish(request)
    rows = [{"name": f"進撃の巨人 原画集 {n}", "tier": "public"} for n in range(5)]
    version(request, {}, sources=[*rows, {"name": "進撃の巨人 社外秘", "tier": "trade_secret"}])

    assert capped_count(search_sources("巨人"), 3) == 3
    assert capped_count(search_sources("巨人"), 100) == 5
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"  # SET LOCAL ended with the count's own transaction


def test_the_sources_csv_joins_lists_in_postgresql_as_on_sqlite(client):
    import csv
    import io

    request = issued(model_name="Kumo 2")
    publish(request)
    version(
        request,
        {},
        sources=[
            {"name": "Anime frames", "tier": "public", "top_domains": ["a.example.jp", "b.example.jp"]},
            {"name": "No lists", "tier": "public"},
        ],
    )

    response = client.get(reverse("public:sources_csv"))
    _header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))

    by_name = {row[0]: row for row in rows}
    assert by_name["Anime frames"][3:5] == ["a.example.jp; b.example.jp", ""]
    assert by_name["No lists"][3:5] == ["", ""]
    assert by_name["Anime frames"][-2:] == ["1", reverse("public:request_detail", args=[request.reference]) + "#v1"]
