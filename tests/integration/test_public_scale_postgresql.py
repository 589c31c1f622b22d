"""Issue 12 on PostgreSQL: Japanese search through the GIN and trigram indexes, and the summary upserts."""

import pytest
from django.db import connection
from django.urls import reverse

from disclosures.models import SourceSearch
from disclosures.search import source_match
from disclosures.selectors.public import company_figures, search_sources
from disclosures.services.summary import rebuild_figures, tallies_snapshot
from disclosures.states import State
from tests.factories import DeveloperFactory
from tests.public_data import answered, clear_page_cache, declined, issued, publish, version

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    clear_page_cache()


def _sources(rows):
    request = issued(developer=DeveloperFactory(name_en="Kumo AI K.K."))
    publish(request)
    version(request, {}, sources=rows)
    return request


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_japanese_word_inside_a_sentence_is_found_through_the_token_index():
    assert connection.vendor == "postgresql"
    _sources([{"name": "講談社の作品を学習に使用", "tier": "public"}, {"name": "小学館の雑誌", "tier": "public"}])

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM disclosures_sourcesearch WHERE vector @@ %s::tsquery", ["'講談社':*"])
        assert cursor.fetchone()[0] == 1
    assert list(search_sources("講談社").values_list("name", flat=True)) == ["講談社の作品を学習に使用"]
    assert list(search_sources("こうだんしゃ").values_list("name", flat=True)) == ["講談社の作品を学習に使用"]

    words_only = SourceSearch.objects.filter(source_match("講談社")).values("source_id")
    assert "source_search_vector" in _plan(words_only)
    two_characters = SourceSearch.objects.filter(source_match("雑誌")).values("source_id")
    assert "source_search_vector" in _plan(two_characters)


def test_substrings_of_names_and_domains_use_the_trigram_indexes():
    _sources([{"name": "Anime Illustration Corpus", "tier": "public", "top_domains": ["comic.example.jp"]}])

    assert list(search_sources("llustrat").values_list("name", flat=True)) == ["Anime Illustration Corpus"]
    assert list(search_sources("example.jp").values_list("name", flat=True)) == ["Anime Illustration Corpus"]
    plan = _plan(SourceSearch.objects.filter(source_match("llustrat")).values("source_id"))
    assert "source_search_text_trgm" in plan
    plan = _plan(SourceSearch.objects.filter(source_match("example.jp")).values("source_id"))
    assert "source_search_domains_trgm" in plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None


def test_confidential_sources_never_match_on_postgresql(client):
    _sources([{"name": "講談社 公開", "tier": "public"}, {"name": "講談社 秘密", "tier": "trade_secret"}])

    assert list(search_sources("講談社").values_list("name", flat=True)) == ["講談社 公開"]
    assert search_sources("秘密").count() == 0
    assert client.get(reverse("api:public-source-list"), {"q": "秘密"}).json()["results"] == []


def test_summary_upserts_agree_with_a_rebuild_on_postgresql():
    developer = DeveloperFactory()
    refused = issued(developer=developer, state=State.DECLINED)
    declined(refused, after_days=1, reasons="No.")
    done = issued(developer=developer, state=State.SUBMITTED)
    answered(done, after_days=4)
    issued(developer=developer, days_ago=2)

    maintained = tallies_snapshot()
    (figures,) = company_figures(developer)
    rebuild_figures()

    assert maintained == tallies_snapshot()
    assert (figures.declined, figures.on_time, figures.not_yet_due) == (1, 1, 1)
