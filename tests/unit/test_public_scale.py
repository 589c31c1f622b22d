"""Issue 12 on SQLite: summary rows behind the figures, Japanese-aware source search, keyset pages."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from disclosures.deadlines import today_in_japan
from disclosures.selectors.public import company_figures, public_statistics, search_sources
from disclosures.services import requests as request_services
from disclosures.services.summary import rebuild_figures, tallies_snapshot
from disclosures.states import State
from portal.accounts.models import Role
from tests.factories import DeveloperFactory, DisclosureRequestFactory, member
from tests.public_data import answered, clear_page_cache, declined, issued, publish, version


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


def _figures(developer, today=None):
    (figures,) = company_figures(developer, today=today)
    return figures


# -- comply or explain: four separate figures ------------------------------------------------------------


def test_a_request_before_its_deadline_without_answer_is_not_yet_due_and_after_it_no_answer(db):
    developer = DeveloperFactory()
    request = issued(developer=developer, days_ago=5, deadline_in=10)

    before = _figures(developer, today=request.deadline)
    after = _figures(developer, today=request.deadline + timedelta(days=1))

    assert (before.not_yet_due, before.no_answer, before.overdue) == (1, 0, 0)
    assert (after.not_yet_due, after.no_answer, after.overdue) == (0, 1, 1)
    assert before.received == after.received == 1


def test_declined_with_reasons_and_answered_count_apart_from_unanswered(db):
    developer = DeveloperFactory()
    refused = issued(developer=developer, days_ago=30, deadline_in=10, state=State.DECLINED)
    declined(refused, after_days=2, reasons="Trade secret.")
    on_time = issued(developer=developer, days_ago=30, deadline_in=10, state=State.SUBMITTED)
    answered(on_time, after_days=3)
    issued(developer=developer, days_ago=30, deadline_in=10)  # silent past its deadline
    issued(developer=developer, days_ago=1, deadline_in=10)  # silent before its deadline

    figures = _figures(developer)

    assert (figures.declined, figures.on_time, figures.late, figures.no_answer, figures.not_yet_due) == (1, 1, 0, 1, 1)
    assert figures.received == 4 and figures.median_days_to_answer == 3
    stats = public_statistics()
    assert (stats.total, stats.answered, stats.declined, stats.no_answer, stats.not_yet_due) == (4, 1, 1, 1, 1)


def test_the_company_pages_and_statistics_show_the_four_figures_and_move_at_the_deadline(client, db):
    developer = DeveloperFactory(slug="kumo")
    request = issued(developer=developer, days_ago=5, deadline_in=10)
    deadline = request.deadline

    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        body = client.get(reverse("public:company_detail", args=["kumo"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not yet due</dt><dd>1</dd>" in body and "No answer by the deadline</dt><dd>0</dd>" in body

    clear_page_cache()
    later = timezone.now() + timedelta(days=(deadline - today_in_japan()).days + 2)
    with time_machine.travel(later, tick=False):
        detail = client.get(reverse("public:company_detail", args=["kumo"]), HTTP_ACCEPT_LANGUAGE="en")
        listing = client.get(reverse("public:companies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        stats = client.get(reverse("public:statistics"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not yet due</dt><dd>0</dd>" in detail.content.decode()
    assert "No answer by the deadline</dt><dd>1</dd>" in detail.content.decode()
    assert "No answer by the deadline" in listing and "Not yet due" in listing
    assert "No answer by the deadline</dt><dd>1</dd>" in stats


def test_transitions_keep_the_summary_rows_equal_to_a_rebuild(db):
    developer = DeveloperFactory()
    official = member(Role.OFFICIAL)
    submitter = member(Role.SUBMITTER, developer)
    drafts = [
        DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation, developer=developer, issued_at=None)
        for _ in range(3)
    ]
    for draft in drafts:
        draft.deadline = today_in_japan() + timedelta(days=20)
        draft.save()
        request_services.issue_request(request=draft, by=official)
    request_services.decline_request(request=drafts[0], by=submitter, reasons="We do not answer.")
    request_services.withdraw_request(request=drafts[1], by=official, reasons="Sent in error.")

    maintained = tallies_snapshot()
    figures = _figures(developer)
    rebuild_figures()

    assert maintained == tallies_snapshot()
    assert (figures.received, figures.declined, figures.withdrawn, figures.not_yet_due) == (3, 1, 1, 1)


def test_the_company_list_row_adds_up_to_the_requests_received_withdrawn_included(client, db):
    developer = DeveloperFactory(slug="tsubasa")
    official = member(Role.OFFICIAL)
    drafts = [
        DisclosureRequestFactory(state=State.DRAFT, ministry=official.organisation, developer=developer, issued_at=None)
        for _ in range(2)
    ]
    for draft in drafts:
        draft.deadline = today_in_japan() + timedelta(days=20)
        draft.save()
        request_services.issue_request(request=draft, by=official)
    request_services.withdraw_request(request=drafts[1], by=official, reasons="Sent in error.")

    page = client.get(reverse("public:companies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Withdrawn by the ministry" in page
    row = re.search(r'href="/companies/tsubasa/">.*?</th>(.*?)</tr>', page, re.S).group(1)
    received, on_time, late, refused, not_yet_due, no_answer, withdrawn = map(
        int, re.findall(r"<td>(\d+)</td>", row)[:7]
    )
    assert (received, not_yet_due, withdrawn) == (2, 1, 1)
    assert received == on_time + late + refused + not_yet_due + no_answer + withdrawn


# -- "Was my work used?": one Japanese-aware matching ----------------------------------------------------


def _published_sources(rows):
    request = issued(developer=DeveloperFactory(name_en="Kumo AI K.K.", name_ja="クモAI株式会社"))
    publish(request)
    version(request, {}, sources=rows)
    return request


def _names(text):
    return sorted(search_sources(text).values_list("name", flat=True))


def test_source_search_finds_a_japanese_word_inside_a_sentence_in_its_spellings(db):
    _published_sources(
        [
            {"name": "講談社の作品を学習に使用", "tier": "public"},
            {"name": "進撃の巨人 ファンアート", "tier": "public"},
            {"name": "Common Crawl 2024", "tier": "public", "top_domains": ["https://www.Example.jp/x"]},
        ]
    )

    assert _names("講談社") == ["講談社の作品を学習に使用"]
    assert _names("こうだんしゃ") == ["講談社の作品を学習に使用"]  # the reading
    assert _names("ｺｳﾀﾞﾝｼｬ") == ["講談社の作品を学習に使用"]  # half-width katakana
    assert _names("巨人") == ["進撃の巨人 ファンアート"]  # two characters: the word index
    assert _names("ふぁんあーと") == ["進撃の巨人 ファンアート"]  # katakana written in hiragana
    assert _names("crawl") == ["Common Crawl 2024"]
    assert _names("EXAMPLE.JP") == ["Common Crawl 2024"]
    assert _names("クモAI") == sorted(["講談社の作品を学習に使用", "進撃の巨人 ファンアート", "Common Crawl 2024"])
    assert _names("小学館") == []


def test_source_search_uses_the_watch_terms_normaliser(db):
    from portal.japanese import matches

    _published_sources([{"name": "「ドラゴン・ボール」原画集", "tier": "public"}])
    for query in ("ドラゴンボール", "ﾄﾞﾗｺﾞﾝﾎﾞｰﾙ", "どらごんぼーる"):
        assert matches("「ドラゴン・ボール」原画集", query)
        assert _names(query) == ["「ドラゴン・ボール」原画集"], query


def test_confidential_sources_never_surface_through_search_counts_or_the_api(client, db):
    _published_sources(
        [
            {"name": "講談社 公開データ", "tier": "public"},
            {"name": "講談社 秘密データ", "tier": "trade_secret", "rights_holders": ["秘密出版"]},
        ]
    )

    assert _names("講談社") == ["講談社 公開データ"]
    assert _names("秘密") == [] and _names("秘密出版") == []
    body = client.get(reverse("public:sources"), {"q": "講談社"}).content.decode()
    assert "公開データ" in body and "秘密" not in body
    api = client.get(reverse("api:public-source-list"), {"q": "秘密"}).json()
    assert api["results"] == []
    assert "秘密" not in client.get(reverse("public:sources_csv"), {"q": "講談社"}).getvalue().decode()


def test_a_query_of_only_symbols_matches_nothing_rather_than_everything(db):
    _published_sources([{"name": "Anime set", "tier": "public"}])
    assert _names("・・") == [] and _names("★") == []


# -- keyset pages ----------------------------------------------------------------------------------------


def test_api_source_pages_follow_a_cursor_and_list_every_row_once(client, db):
    _published_sources([{"name": f"Set {i:02d}", "tier": "public"} for i in range(7)])

    seen, url, params = [], reverse("api:public-source-list"), {"page_size": 3}
    while url:
        data = client.get(url, params).json()
        seen.extend(row["name"] for row in data["results"])
        url, params = data["next"], {}
    assert seen == [f"Set {i:02d}" for i in reversed(range(7))]


@pytest.mark.parametrize("n", [3, 30])
def test_api_lists_run_a_constant_number_of_queries(client, db, n, django_assert_max_num_queries):
    for i in range(n):
        request = issued(days_ago=1 + i)
        if i % 3 == 0:
            publish(request)
            version(request, {}, sources=[{"name": f"Set {i}", "tier": "public"}])
    with django_assert_max_num_queries(3):
        assert client.get(reverse("api:public-request-list")).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("api:public-source-list"), {"q": "set"}).status_code == 200


def test_rebuild_command_restores_figures_and_missing_search_keys(db):
    from django.core.management import call_command

    from disclosures.models import RequestFigures, RequestTally, SourceSearch

    request = _published_sources([{"name": "講談社の作品を学習に使用", "tier": "public"}])
    SourceSearch.objects.all().delete()
    RequestFigures.objects.all().delete()
    RequestTally.objects.all().delete()
    assert _names("講談社") == [] and _figures(request.developer).received == 0

    call_command("rebuild_public_figures", stdout=io.StringIO())

    assert _names("講談社") == ["講談社の作品を学習に使用"]
    assert _figures(request.developer).received == 1
