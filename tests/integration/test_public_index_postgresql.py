"""Issue 12 on PostgreSQL: the public index's sorts and its page count read the stored index columns
through their indexes, not the whole table."""

import pytest
from django.db import connection

from disclosures.filters import PublicRequestFilter
from disclosures.selectors.public import public, public_base
from disclosures.states import State
from tests.factories import DeveloperFactory
from tests.public_data import clear_page_cache, declined, issued

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    clear_page_cache()


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A handful of rows: without this a scan and a sort, or any other partial index, would win.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _page(sort: str):
    return PublicRequestFilter({"sort": sort}, queryset=public()).qs[:50]


@pytest.fixture
def requests():
    developer = DeveloperFactory(name_en="Kumo AI K.K.")
    refused = issued(developer=developer, days_ago=40, state=State.DECLINED, reference="R-REFUSED")
    declined(refused, after_days=5, reasons="Trade secret.")
    issued(developer=DeveloperFactory(name_en="Alpha AI"), days_ago=10, reference="R-OPEN")


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("days_open", "request_index_days_open"),
        ("-days_open", "request_index_days_open"),
        ("developer", "request_index_developer"),
        ("-ministry", "request_index_ministry"),
        ("state", "request_index_state"),
        ("-issued", "request_index_issued"),
    ],
)
def test_each_sort_of_the_index_reads_its_index_in_order(requests, sort, index):
    assert connection.vendor == "postgresql"
    # The references of a page (the deferred join of `selectors.public.index_page`): the sort's index alone.
    plan = _plan(PublicRequestFilter({"sort": sort}, queryset=public()).qs.values("reference")[50:100])
    assert f"Index Only Scan using {index}" in plan or f"Index Only Scan Backward using {index}" in plan, plan
    assert "Sort  " not in plan, plan


def test_days_open_on_postgresql_orders_ended_by_duration_then_open_by_issue(requests):
    assert [r.reference for r in _page("days_open")] == ["R-REFUSED", "R-OPEN"]
    assert [r.reference for r in _page("-days_open")] == ["R-OPEN", "R-REFUSED"]


def test_the_page_count_is_an_index_only_scan_of_the_public_requests(requests):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = public_base().order_by().values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS rows", params)  # noqa: S608
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Every sort index is partial on the public rows: any of them answers the count alone.
    assert "Index Only Scan using request_index_" in plan, plan


def test_a_search_for_a_frequent_word_walks_the_sort_index_without_reading_the_requests(requests, monkeypatch):
    # More matches than the search lists: the page walks the issue-time index, newest first, and looks
    # up each request's search keys by the id the index carries (migration 0013).
    monkeypatch.setattr("disclosures.search.MAX_LISTED_MATCHES", 0)
    rows = PublicRequestFilter({"q": "Alpha"}, queryset=public()).qs
    assert [r.reference for r in rows] == ["R-OPEN"]
    plan = _plan(rows.values("reference")[:50])
    assert "Index Only Scan Backward using request_index_issued" in plan, plan
    assert "disclosures_requestsearch" in plan, plan
