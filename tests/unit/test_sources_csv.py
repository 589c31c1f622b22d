"""The declared-sources CSV: its columns in their order, lists joined by the database, the link to the
version, and only the sources the public may see."""

import csv
import io

from django.urls import reverse

from disclosures.views.public.exports import SOURCE_COLUMNS
from tests.public_data import issued, publish, version


def _rows(client, **query) -> list[list[str]]:
    response = client.get(reverse("public:sources_csv"), query)
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_each_public_source_is_one_row_with_its_lists_joined_and_a_link_to_its_version(client, db):
    request = issued(model_name="Kumo 2")
    publish(request)
    version(
        request,
        {},
        number=1,
        sources=[
            {
                "name": "Anime frames",
                "kind": "web_crawl",
                "top_domains": ["comic.example.jp", "anime.example.jp"],
                "rights_holders": ["講談社", "Studio A"],
                "consent_basis": "licence",
                "licence_grantor": "講談社",
                "tier": "public",
            },
            {"name": "Held back", "tier": "trade_secret"},
        ],
    )

    header, *rows = _rows(client)

    assert header == SOURCE_COLUMNS
    url = reverse("public:request_detail", args=[request.reference]) + "#v1"
    assert rows == [
        [
            "Anime frames",
            "web_crawl",
            "",
            "comic.example.jp; anime.example.jp",
            "講談社; Studio A",
            "licence",
            "講談社",
            request.developer.name_en,
            "Kumo 2",
            request.reference,
            "1",
            url,
        ]
    ]
    assert _rows(client, q="Held back")[1:] == []


def test_a_source_without_domains_or_rights_holders_has_empty_cells(client, db):
    request = issued()
    publish(request)
    version(request, {}, sources=[{"name": "Plain set", "tier": "public"}])

    (row,) = _rows(client)[1:]

    assert row[3:5] == ["", ""]


def test_only_the_cells_that_would_be_formulas_are_escaped_among_ordinary_rows(client, db):
    request = issued()
    publish(request)
    sources = [
        {"name": f"Set {n}", "tier": "public", "rights_holders": ["-x" if n == 2 else "Studio"]} for n in range(4)
    ]
    version(request, {}, sources=sources)

    rows = _rows(client)[1:]

    assert sorted((row[0], row[4]) for row in rows) == [
        ("Set 0", "Studio"),
        ("Set 1", "Studio"),
        ("Set 2", "'-x"),
        ("Set 3", "Studio"),
    ]
