"""Full-text search of published text on PostgreSQL (SQLite only has the substring fallback)."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.public_data import clear_page_cache, issued, publish, references

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

    # Words in another order and another form than the letter: only a full-text match finds these.
    assert references(client.get(reverse("public:index"), {"q": "reservations crawlers"})) == [published.reference]
    assert references(client.get(reverse("public:index"), {"q": '"honoured robots.txt" -pirated'})) == [
        published.reference
    ]
    assert references(client.get(reverse("public:index"), {"q": "reservations unheardofword"})) == []


def test_the_search_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'publication_search_text_fts'")
        row = cursor.fetchone()
    assert row is not None and "to_tsvector" in row[0]
