"""Watch terms: Japanese variants match, confidential sources never do; one digest a day per filer."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from concerns import services
from concerns.models import WatchMatch, WatchTerm
from concerns.watch import match_watch_terms, send_digests
from tests.concerns_data import filed_concern, rights_holder
from tests.public_data import issued, publish, version


@pytest.fixture
def holder(db):
    return rights_holder(email="rights@studio.example.jp")


def published_request(sources, **fields):
    request = issued(**fields)
    version(request, {}, sources=sources)
    publish(request)
    return request


def watch(holder, kind, term):
    return services.add_watch_term(by=holder, kind=kind, term=term)


@pytest.mark.parametrize(
    ("kind", "term", "source"),
    [
        ("title", "シンゲキノキョジン", {"name": "しんげきのきょじん 全話キャプション"}),
        ("title", "ＡＴＴＡＣＫ　ＯＮ　ＴＩＴＡＮ", {"name": "attack-on-titan fan wiki dump"}),
        ("title", "ﾄﾞﾗｺﾞﾝﾎﾞｰﾙ", {"name": "ドラゴン・ボール画像集"}),
        ("character", "佐々木小次郎", {"name": "剣豪 佐佐木小次郎 イラスト"}),
        ("rights_holder", "講談社", {"name": "Comics corpus", "rights_holders": ["株式会社講談社"]}),
        ("rights_holder", "コウダンシャ", {"name": "Licensed", "licence_grantor": "ｺｳﾀﾞﾝｼｬ"}),
        ("domain", "https://www.kodansha.co.jp/", {"name": "Crawl", "top_domains": ["comic.kodansha.co.jp"]}),
        ("title", "しんげきのきょじん", {"name": "進撃の巨人 全話キャプション"}),  # a kana reading
        ("rights_holder", "こうだんしゃ", {"name": "Licensed", "rights_holders": ["講談社"]}),
    ],
)
def test_watch_terms_match_japanese_variants(holder, kind, term, source):
    watched = watch(holder, kind, term)
    request = published_request([{"tier": "public", **source}])
    assert match_watch_terms() == 1
    match = WatchMatch.objects.get()
    assert match.term == watched and match.request == request


def test_unrelated_sources_do_not_match(holder):
    watch(holder, "title", "進撃の巨人")
    watch(holder, "domain", "kodansha.co.jp")
    published_request([{"tier": "public", "name": "進撃の小人", "top_domains": ["notkodansha.co.jp"]}])
    assert match_watch_terms() == 0


def test_confidential_and_unpublished_sources_never_match(holder):
    watch(holder, "title", "進撃の巨人")
    published_request(
        [
            {"tier": "trade_secret", "name": "進撃の巨人 secret set"},
            {"tier": "ministry_only", "name": "進撃の巨人 ministry set"},
        ]
    )
    unpublished = issued()
    version(unpublished, {}, sources=[{"tier": "public", "name": "進撃の巨人 waiting"}], approved=False)
    # Public in version 1, claimed a trade secret in version 2: the latest claim withholds it everywhere.
    claimed = issued()
    version(claimed, {}, sources=[{"tier": "public", "name": "進撃の巨人 later claimed", "row_key": "r1"}])
    version(
        claimed, {}, number=2, sources=[{"tier": "trade_secret", "name": "進撃の巨人 later claimed", "row_key": "r1"}]
    )
    publish(claimed)
    assert match_watch_terms() == 0
    assert not WatchMatch.objects.exists()


def test_each_published_version_is_read_once(holder):
    watch(holder, "title", "鬼滅の刃")
    published_request([{"tier": "public", "name": "鬼滅の刃 stills"}])
    assert match_watch_terms() == 1
    assert match_watch_terms() == 0
    published_request([{"tier": "public", "name": "ＫＩＭＥＴＳＵ 鬼滅の刃 captions"}])
    assert match_watch_terms() == 1


def test_a_variant_of_a_watched_term_is_the_same_term(holder):
    watch(holder, "title", "ドラゴンボール")
    with pytest.raises(ValidationError):
        watch(holder, "title", "ﾄﾞﾗｺﾞﾝﾎﾞｰﾙ")
    with pytest.raises(ValidationError):
        watch(holder, "title", "・")
    with pytest.raises(ValidationError):
        watch(holder, "domain", "not a domain")


def test_watch_page_adds_and_lists_terms_and_matches(client, login, holder):
    login(client, holder)
    response = client.post(reverse("concerns:watch"), {"kind": "title", "term": "進撃の巨人"})
    assert response.status_code == 302
    request = published_request([{"tier": "public", "name": "進撃の巨人 dataset"}])
    match_watch_terms()
    page = client.get(reverse("concerns:watch")).content.decode()
    assert "進撃の巨人 dataset" in page and request.reference in page
    assert client.post(reverse("concerns:watch"), {"kind": "bogus", "term": "x"}).status_code == 400


def test_another_organisations_terms_are_invisible(client, login, holder):
    term = watch(rights_holder(), "title", "進撃の巨人")
    login(client, holder)
    assert "進撃の巨人" not in client.get(reverse("concerns:watch")).content.decode()
    assert client.post(reverse("concerns:watch_remove", args=[term.public_id])).status_code == 404
    assert WatchTerm.objects.filter(pk=term.pk).exists()


def test_several_changes_in_one_day_give_one_digest_per_filer(holder, official, ministry, developer, mailoutbox):
    other_holder = rights_holder(email="other@publisher.example.jp")
    mine = filed_concern(by=holder, ministry=ministry, developer=developer)
    theirs = filed_concern(by=other_holder, ministry=ministry, developer=developer)
    watch(holder, "title", "進撃の巨人")
    request = published_request([{"tier": "public", "name": "進撃の巨人 stills"}])
    services.start_assessment(concern=mine, by=official)
    services.start_assessment(concern=theirs, by=official)
    services.close_without_action(concern=mine, by=official, reason="out_of_scope")
    assert send_digests() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([holder.email, other_holder.email])
    digest = next(m for m in mailoutbox if m.to == [holder.email])
    assert digest.body.count(mine.reference) == 1
    assert "進撃の巨人 stills" in digest.body
    assert reverse("public:request_detail", args=[request.reference]) in digest.body
    html = digest.alternatives[0][0] if isinstance(digest.alternatives[0], tuple) else digest.alternatives[0].content
    assert mine.reference in html
    # More changes the same day wait for tomorrow's digest.
    services.close_without_action(concern=theirs, by=official, reason="insufficient")
    assert send_digests() == 0
    assert len(mailoutbox) == 2
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert send_digests() == 1
    assert mailoutbox[-1].to == [other_holder.email] and theirs.reference in mailoutbox[-1].body


def test_nothing_new_sends_nothing_and_own_actions_are_not_news(holder, ministry, developer, mailoutbox):
    concern = filed_concern(by=holder, ministry=ministry, developer=developer)
    services.withdraw_concern(concern=concern, by=holder)
    assert send_digests() == 0
    assert mailoutbox == []


def test_a_match_withheld_after_matching_is_left_out_of_the_digest(holder, mailoutbox):
    watch(holder, "title", "進撃の巨人")
    request = published_request([{"tier": "public", "name": "進撃の巨人 stills", "row_key": "r1"}])
    assert match_watch_terms() == 1
    # The developer claims the row in a new version before the digest goes out.
    version(request, {}, number=2, sources=[{"tier": "trade_secret", "name": "進撃の巨人 stills", "row_key": "r1"}])
    assert send_digests() == 0
    assert mailoutbox == []


def test_the_list_shows_drafts_without_a_developer(client, login, holder):
    services.start_concern(by=holder)
    login(client, holder)
    assert client.get(reverse("concerns:list")).status_code == 200
