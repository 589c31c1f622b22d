"""Load a national-scale data set into PostgreSQL through the tables the services write (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/generate.py
    ... bench/generate.py --requests 10000 --sources 100000          # the quick size of `make bench`

It migrates the database, empties what an earlier run loaded, and bulk-inserts organisations, users,
requests with their audit events (issue, first answer or decline, the last transition), submitted
versions whose answers hold the sources, publications, declared sources (Japanese and English names,
rights holders, domains; mostly public, some claimed confidential, some withheld by a later claim) and
their search keys. The summary rows and the requests' search keys are then built by
`services.summary.rebuild_figures()`, the same code that repairs them, and the search indexes are
created after the load (faster than maintaining them row by row). Deterministic: the same arguments
give the same data.
"""

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

MINISTRIES = [
    ("meti", "経済産業省", "Ministry of Economy, Trade and Industry"),
    ("mext", "文部科学省", "Ministry of Education, Culture, Sports, Science and Technology"),
    ("mic", "総務省", "Ministry of Internal Affairs and Communications"),
    ("bunka", "文化庁", "Agency for Cultural Affairs"),
    ("cao", "内閣府", "Cabinet Office"),
    ("digital", "デジタル庁", "Digital Agency"),
    ("mhlw", "厚生労働省", "Ministry of Health, Labour and Welfare"),
    ("moj", "法務省", "Ministry of Justice"),
]
DEVELOPER_WORDS = ["Kumo", "Sora", "Hikari", "Mirai", "Kaze", "Nami", "Hoshi", "Yume", "Tsuki", "Mori"]
DEVELOPER_WORDS_JA = ["クモ", "ソラ", "ヒカリ", "ミライ", "カゼ", "ナミ", "ホシ", "ユメ", "ツキ", "モリ"]
SUFFIXES = [
    ("AI", "AI"),
    ("Labs", "ラボ"),
    ("Intelligence", "インテリジェンス"),
    ("Systems", "システムズ"),
    ("Tech", "テック"),
]
MODELS = ["Chat", "Vision", "Video", "Voice", "Code", "Manga", "Illust", "Music"]
RIGHTS_HOLDERS = [
    "講談社", "集英社", "小学館", "KADOKAWA", "スクウェア・エニックス", "東映アニメーション", "サンライズ",
    "京都アニメーション", "スタジオジブリ", "日本アニメーター協会", "Shueisha Inc.", "Kodansha Ltd.",
    "Toei Animation", "Aniplex", "バンダイナムコ", "コナミ", "任天堂", "Sony Music", "日本漫画家協会", "白泉社",
]  # fmt: skip
NAME_PARTS_JA = [
    "講談社の作品を学習に使用", "少年漫画の原画", "アニメ背景画像", "ライトノベル本文", "同人誌スキャン",
    "ゲームのスクリーンショット", "声優の音声コーパス", "新聞記事アーカイブ", "ウェブ小説", "イラスト投稿サイト",
    "キャラクター設定資料", "映画の字幕", "進撃の巨人 ファンアート", "ニュース映像", "百科事典",
]  # fmt: skip
NAME_PARTS_EN = [
    "Common Crawl", "LAION subset", "Licensed manga archive", "Anime frames", "Public domain books",
    "News corpus", "Wikipedia dump", "Stock photos", "Fan art crawl", "Game assets", "Synthetic dialogues",
    "Open subtitles", "Illustration board", "Code repositories", "Podcast transcripts",
]  # fmt: skip
DOMAINS = [
    "comic.example.jp", "anime.example.jp", "news.example.jp", "illust.example.com", "books.example.org",
    "kakuyomu.example.jp", "pixiv.example.net", "wiki.example.org", "game.example.co.jp", "music.example.jp",
]  # fmt: skip
KINDS = ["public_dataset", "licensed", "other_private", "web_crawl", "user_content", "synthetic", "other"]
MODALITIES = ["text", "image", "video", "audio", "code"]
CONSENT = ["opt_in_licence", "opt_out_honoured", "none"]
# State of a request, with its share; answered states have a first submission.
STATES = [
    ("issued", 0.04), ("acknowledged", 0.03), ("submitted", 0.08), ("under_review", 0.05),
    ("clarification_requested", 0.03), ("accepted", 0.47), ("insufficient", 0.05), ("declined", 0.10),
    ("escalated", 0.03), ("closed", 0.07), ("withdrawn", 0.05),
]  # fmt: skip
SEARCH_INDEXES = (
    "source_search_vector",
    "source_search_text_trgm",
    "source_search_domains_trgm",
    "request_reference_trgm",
    "request_model_name_trgm",
    "publication_search_text_trgm",
    "request_search_vector",
    "request_search_text_trgm",
)
ANSWERED = {"submitted", "under_review", "clarification_requested", "accepted", "insufficient"}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=1_000_000)
    parser.add_argument("--developers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=16)
    return parser.parse_args()


def main() -> None:
    args = parse()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. portal_bench).")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    load(args, random.Random(args.seed))
    print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)


def step(label: str, since: float) -> float:
    now = time.monotonic()
    print(f"  {label}: {now - since:.1f} s", flush=True)
    return now


def load(args, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from disclosures.models import (
        AuditEvent,
        DisclosureRequest,
        Publication,
        PublishedVersion,
        ResponseVersion,
    )
    from disclosures.services.summary import rebuild_figures
    from portal.accounts.models import Membership, Organisation, User

    # The load sets the times of events and versions itself (a bulk insert would stamp them all "now").
    for model, name in ((AuditEvent, "created_at"), (ResponseVersion, "submitted_at")):
        model._meta.get_field(name).auto_now_add = False
    t = time.monotonic()
    with connection.cursor() as cursor:  # an earlier run's data; the schema stays
        cursor.execute(
            "TRUNCATE disclosures_sourcesearch, disclosures_declaredsource, disclosures_publishedversion, "
            "disclosures_publication, disclosures_responseversion, disclosures_auditevent, "
            "disclosures_disclosurerequest, disclosures_requestfigures, disclosures_requesttally, "
            "disclosures_duetally, disclosures_answertally, disclosures_declinetally, disclosures_modeltally "
            "CASCADE"
        )
        for index in SEARCH_INDEXES:  # rebuilt after the load: faster than maintaining them row by row
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
    Membership.objects.filter(user__username__startswith="bench-").delete()
    User.objects.filter(username__startswith="bench-").delete()
    Organisation.objects.filter(slug__startswith="bench-").delete()
    t = step("emptied", t)

    ministries = Organisation.objects.bulk_create(
        Organisation(slug=f"bench-{slug}", kind=Organisation.Kind.MINISTRY, name_ja=ja, name_en=en)
        for slug, ja, en in MINISTRIES
    )
    developers = []
    for i in range(args.developers):
        word, suffix = DEVELOPER_WORDS[i % 10], SUFFIXES[(i // 10) % len(SUFFIXES)]
        developers.append(
            Organisation(
                slug=f"bench-dev-{i}",
                kind=Organisation.Kind.DEVELOPER,
                name_en=f"{word} {suffix[0]} {i} K.K.",
                name_ja=f"{DEVELOPER_WORDS_JA[i % 10]}{suffix[1]}{i}株式会社",
            )
        )
    developers = Organisation.objects.bulk_create(developers)
    users = {}
    for org, role in [*((m, "official") for m in ministries), *((d, "submitter") for d in developers)]:
        user = User.objects.create(username=f"bench-{org.slug}", email=f"{org.slug}@bench.example.jp")
        Membership.objects.create(user=user, organisation=org, role=role)
        users[org.pk] = user
    t = step("organisations and users", t)

    today = timezone.localdate()
    weights = [w for _s, w in STATES]
    names = [s for s, _w in STATES]
    requests = []
    for n in range(args.requests):
        ministry, developer = rng.choice(ministries), rng.choice(developers)
        state = rng.choices(names, weights)[0]
        # Requests still awaiting the developer are recent; the others spread over two years.
        age = rng.randint(1, 40) if state in ("issued", "acknowledged") else rng.randint(30, 730)
        issued_at = timezone.make_aware(datetime.combine(today - timedelta(days=age), datetime.min.time())) + timedelta(
            minutes=rng.randint(0, 600), seconds=n % 60
        )
        deadline = timezone.localdate(issued_at) + timedelta(days=28)
        if state == "clarification_requested":
            deadline = today + timedelta(days=rng.randint(-10, 20))
        requests.append(
            DisclosureRequest(
                reference=f"AIPA16-{issued_at.year}-{n + 1:06d}",
                ministry=ministry,
                developer=developer,
                drafted_by=users[ministry.pk],
                model_name=f"{developer.name_en.split()[0]} {rng.choice(MODELS)}",
                model_version=f"{rng.randint(1, 4)}.{rng.randint(0, 9)}",
                sections=["training_data", "sources", "output_filters"],
                covering_letter=f"{ministry.name_ja}は、人工知能関連技術の研究開発及び活用の推進に関する法律第16条に基づき、"
                f"{developer.name_ja}に対し、学習データ及び出力フィルタについての技術的説明を求めます。 "
                f"Request {n + 1} about training data and output filters.",
                deadline=deadline,
                state=state,
                issued_at=issued_at,
            )
        )
    with transaction.atomic():
        requests = DisclosureRequest.objects.bulk_create(requests, batch_size=5000)
    t = step(f"{len(requests)} requests", t)

    events, answered = [], []
    for r in requests:
        actor_m, actor_d = users[r.ministry_id], users[r.developer_id]
        issue_deadline = timezone.localdate(r.issued_at) + timedelta(days=28)
        events.append(_event(AuditEvent, r, "issue", "draft", "issued", r.issued_at, actor_m, deadline=issue_deadline))
        if r.state in ANSWERED:
            submitted = r.issued_at + timedelta(days=min(60, int(rng.expovariate(1 / 18)) + 1))
            events.append(_event(AuditEvent, r, "submit", "issued", "submitted", submitted, actor_d))
            answered.append((r, submitted))
        elif r.state in ("declined", "escalated", "closed"):
            at = r.issued_at + timedelta(days=rng.randint(1, 20))
            events.append(
                _event(AuditEvent, r, "decline", "issued", "declined", at, actor_d, message="営業秘密のため。")
            )
            if r.state != "declined":
                action = "escalate" if r.state == "escalated" else "close"
                events.append(_event(AuditEvent, r, action, "declined", r.state, at + timedelta(days=5), actor_m))
        elif r.state == "withdrawn":
            at = r.issued_at + timedelta(days=rng.randint(1, 10))
            events.append(_event(AuditEvent, r, "withdraw", "issued", "withdrawn", at, actor_m, message="誤送信"))
        elif r.state == "acknowledged":
            events.append(_event(AuditEvent, r, "acknowledge", "issued", "acknowledged", r.issued_at, actor_d))
    AuditEvent.objects.bulk_create(events, batch_size=10000)
    t = step(f"{len(events)} audit events", t)

    per_version = max(1, round(args.sources / max(1, len(answered))))
    versions, rows_of = [], []
    for r, submitted in answered:
        count = max(1, int(rng.gauss(per_version, per_version / 3)))
        rows = [_source_row(rng, i) for i in range(count)]
        rows_of.append(rows)
        versions.append(
            ResponseVersion(
                request=r,
                number=1,
                answers={"sources": rows},
                submitted_by=users[r.developer_id],
                submitted_at=submitted,
            )
        )
    versions = ResponseVersion.objects.bulk_create(versions, batch_size=2000)
    t = step(f"{len(versions)} versions", t)

    publications, published_versions = [], []
    now = timezone.now()
    for r in requests:
        if r.state != "withdrawn" and rng.random() < 0.85:
            publications.append(
                Publication(request=r, approved_by=users[r.ministry_id], approved_at=now, search_text=r.covering_letter)
            )
    published = {p.request_id for p in publications}
    Publication.objects.bulk_create(publications, batch_size=5000)
    for v in versions:
        if v.request_id in published and rng.random() < 0.9:
            published_versions.append(
                PublishedVersion(version=v, approved_by=users[v.request.ministry_id], approved_at=now)
            )
    PublishedVersion.objects.bulk_create(published_versions, batch_size=5000)
    t = step(f"{len(publications)} publications, {len(published_versions)} approved versions", t)

    import disclosures.search
    import portal.japanese

    # Names repeat across a million rows: fold and tokenise each distinct text once (SudachiPy and the
    # normaliser are the slow part), through the same `search_keys` that `declare_sources` calls.
    portal.japanese.match_key = lru_cache(maxsize=None)(portal.japanese.match_key)
    disclosures.search.index_tokens = lru_cache(maxsize=None)(disclosures.search.index_tokens)
    developer_names = {d.pk: (d.name_ja, d.name_en) for d in developers}
    total = _copy_sources(connection, versions, rows_of, developer_names)
    t = step(f"{total} declared sources with their search keys (COPY)", t)

    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.POSTGRESQL)
        cursor.execute("ANALYZE")
    t = step("search indexes and ANALYZE", t)
    # Also the requests' search keys and which declared sources the public sees (loaded as not visible).
    counted = rebuild_figures()
    t = step(f"summary rows, search keys and source visibility of {counted} requests", t)
    with connection.cursor() as cursor:  # 0011 also drops the indexes of `Publication.search_text`
        cursor.execute(REQUEST_SEARCH_MIGRATION.POSTGRESQL)
        # The rebuild rewrote most rows: fresh statistics and visibility map, as autovacuum would leave them
        # some minutes later. Without them the planner takes the public sources for one row (they were
        # loaded as not visible) and each index-only scan reads the heap row by row.
        cursor.execute("VACUUM ANALYZE")
    step("request search indexes, VACUUM ANALYZE", t)


SOURCE_COLUMNS = (
    "id, version_id, request_id, position, answer_path, row_key, name, kind, modality, top_domains, "
    "rights_holders, consent_basis, licence_grantor, tier, publicly_visible"
)


def _copy_sources(connection, versions, rows_of, developer_names) -> int:
    """COPY the declared sources and their search keys, a version chunk at a time (memory stays flat);
    ids are handed out here and the sequence is set after."""
    source_id = 0
    pairs = list(zip(versions, rows_of, strict=True))
    for start in range(0, len(pairs), 5000):
        source_rows, search_rows = [], []
        for version, rows in pairs[start : start + 5000]:
            request = version.request
            names = developer_names[request.developer_id]
            for index, row in enumerate(rows):
                source_id += 1
                source_row, search_row = _source_rows(source_id, version, request, index, row, names)
                source_rows.append(source_row)
                search_rows.append(search_row)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY disclosures_declaredsource ({SOURCE_COLUMNS}) FROM STDIN") as copy:
                for row in source_rows:
                    copy.write_row(row)
            with cursor.cursor.copy(
                "COPY disclosures_sourcesearch (source_id, text_key, domains, tokens) FROM STDIN"
            ) as copy:
                for row in search_rows:
                    copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('disclosures_declaredsource', 'id'), %s)", [source_id])
    return source_id


def _source_rows(source_id, version, request, index, row, developer_names) -> tuple[tuple, tuple]:
    import json

    from disclosures.models import DeclaredSource
    from disclosures.search import search_keys

    source = DeclaredSource(
        name=row["name"],
        top_domains=row["top_domains"],
        rights_holders=row["rights_holders"],
        licence_grantor=row["licence_grantor"],
    )
    keys = search_keys(source, developer_names=developer_names, model_name=request.model_name)
    return (
        (
            source_id,
            version.pk,
            request.pk,
            index,
            f"sources/{index}",
            f"sources/{row['row_id']}",
            row["name"],
            row["kind"],
            row["modality"],
            json.dumps(row["top_domains"], ensure_ascii=False),
            json.dumps(row["rights_holders"], ensure_ascii=False),
            row["consent_basis"],
            row["licence_grantor"],
            row["tier"],
            False,
        ),
        (source_id, keys.text_key, keys.domains, keys.tokens),
    )


def _event(model, request, action, from_state, to_state, at, actor, *, deadline=None, message=""):
    return model(
        created_at=at,
        actor=actor,
        organisation_id=actor.membership.organisation_id if hasattr(actor, "membership") else None,
        request=request,
        action=action,
        from_state=from_state,
        to_state=to_state,
        message=message,
        deadline=deadline,
    )


def _source_row(rng: random.Random, index: int) -> dict:
    japanese = rng.random() < 0.5
    base = rng.choice(NAME_PARTS_JA if japanese else NAME_PARTS_EN)
    holders = rng.sample(RIGHTS_HOLDERS, k=rng.choice([0, 1, 1, 2]))
    tier = rng.choices(["public", "trade_secret", "ministry_only"], [0.85, 0.1, 0.05])[0]
    licensed = rng.random() < 0.4
    return {
        "row_id": str(index),
        "name": f"{base} {rng.randint(2015, 2025)}" + (f" vol.{rng.randint(1, 40)}" if rng.random() < 0.5 else ""),
        "kind": rng.choice(KINDS),
        "modality": rng.choice(MODALITIES),
        "top_domains": rng.sample(DOMAINS, k=rng.choice([0, 1, 2])),
        "rights_holders": holders,
        "consent_basis": rng.choice(CONSENT),
        "licence_grantor": holders[0] if licensed and holders else "",
        "tier": tier,
    }


def _migration(name: str = "0006_records_pipeline"):
    import importlib

    return importlib.import_module(f"disclosures.migrations.{name}")


if __name__ == "__main__":
    import django

    django.setup()
    MIGRATION = _migration()
    REQUEST_SEARCH_MIGRATION = _migration("0011_request_search")
    main()
