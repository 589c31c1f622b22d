"""Search keys of declared sources and of the public index's requests, and their one matching, on both databases.

Matching reads `portal.japanese` (the normaliser the rights holders' watch terms use), so a query finds
what a watch term with the same text would: widths, kana and case folded, punctuation of titles ignored.

- Words: the query's words (SudachiPy, particles left out) must each be a word of the source
  (`SourceSearch.tokens`, with the shorter words and kana readings `index_tokens` adds). On PostgreSQL
  this is the generated tsvector `vector` with its GIN index, so 講談社 inside 「講談社の作品を学習に使用」,
  a one- or two-character Japanese query (巨人) and a reading (こうだんしゃ) are index lookups.
- Substrings of three characters or more: the query's `match_key` inside the names (`text_key`) or its
  host name inside the domains, served by trigram indexes (pg_trgm) on PostgreSQL.

SQLite runs the same conditions as LIKE over the same columns, without an index.

The index's search (`request_match`) reads `RequestSearch` rows the same way: the query's words in the
request's tokens (metadata, and the public text once published), or its key inside the names.
"""

import operator
from collections.abc import Iterable
from functools import reduce

from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import Expression

from disclosures.models import DeclaredSource, DisclosureRequest, RequestSearch, SourceSearch
from portal.japanese import (
    MIN_READING_LENGTH,
    index_tokens,
    joined_key,
    match_key,
    normalise_domain,
    query_tokens,
    reading_key,
)

# Below this many characters a trigram index cannot help; such queries use the word index only.
MIN_SUBSTRING = 3
MAX_QUERY_WORDS = 8
# Longer queries are cut: no name or phrase worth finding is longer, and tokenising costs by the character.
MAX_QUERY_LENGTH = 200
MAX_LISTED_MATCHES = 1000


def source_texts(source: DeclaredSource, *, developer_names: Iterable[str] = (), model_name: str = "") -> list[str]:
    return [
        source.name,
        *map(str, source.rights_holders or []),
        source.licence_grantor,
        *developer_names,
        model_name,
    ]


def search_keys(source: DeclaredSource, *, developer_names: Iterable[str] = (), model_name: str = "") -> SourceSearch:
    """The `SourceSearch` row of a declared source (not saved)."""
    texts = source_texts(source, developer_names=developer_names, model_name=model_name)
    words: list[str] = []
    for text in texts:
        if text:
            words.extend(index_tokens(text))
    domains = [normalise_domain(str(d)) for d in source.top_domains or []]
    return SourceSearch(
        source=source,
        text_key=joined_key(texts),
        domains="\n".join(d for d in domains if d),
        tokens=_token_text(words),
    )


def _token_text(words: list[str]) -> str:
    # Spaces around every word let SQLite find a whole word with LIKE '% word %'.
    return f" {' '.join(dict.fromkeys(words))} " if words else ""


def request_texts(request: DisclosureRequest) -> list[str]:
    """What of a request is searchable from its issue on: reference, model and both parties' names."""
    developer, ministry = request.developer, request.ministry
    return [
        request.reference,
        request.model_name,
        request.model_version,
        developer.name_ja,
        developer.name_en,
        ministry.name_ja,
        ministry.name_en,
    ]


def request_search_keys(request: DisclosureRequest, public_texts: Iterable[str] = ()) -> RequestSearch:
    """The `RequestSearch` row of an issued request (not saved): its metadata, and the words of
    `public_texts`, what publication made public (`selectors.public.public_text_parts`)."""
    names = request_texts(request)
    words: list[str] = []
    for text in (*names, *public_texts):
        if text:
            words.extend(index_tokens(text))
    return RequestSearch(request=request, text_key=joined_key(names), tokens=_token_text(words))


def index_sources(sources: list[DeclaredSource]) -> None:
    """Write the search keys of newly declared sources (all of one version), in one insert."""
    if not sources:
        return
    request = sources[0].version.request
    developer = request.developer
    names = (developer.name_ja, developer.name_en)
    SourceSearch.objects.bulk_create(
        [search_keys(s, developer_names=names, model_name=request.model_name) for s in sources]
    )


class _VectorMatch(Expression):
    """`vector @@ tsquery` on the search rows of the query (`SourceSearch` or `RequestSearch`), whatever
    alias they have (a subquery renames its tables). `vector` is the PostgreSQL-only generated column,
    unknown to the models."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, tsquery: str):
        super().__init__()
        self.tsquery = tsquery

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.vector @@ %s::tsquery", [self.tsquery]


def _tsquery(words: list[str], reading: str) -> str:
    def lexeme(word: str) -> str:
        # Whole words only: a prefix (:*) of a common word reads most of the index, and the substring
        # match of three characters or more already finds words that begin with the query.
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"

    query = " & ".join(lexeme(w) for w in words)
    if reading:
        query = f"({query}) | {lexeme(reading)}" if query else lexeme(reading)
    return query


def _query_words(text: str) -> tuple[str, list[str], str]:
    """The query's key, its words and (when it adds something) its kana reading."""
    key = match_key(text)
    words = list(dict.fromkeys(query_tokens(text)))[:MAX_QUERY_WORDS] if key else []
    reading = reading_key(text) if key and (len(words) != 1 or words[0] != key) else ""
    if reading and (len(reading) < MIN_READING_LENGTH or reading in words):
        reading = ""
    return key, words, reading


def _word_match(words: list[str], reading: str) -> list[Q]:
    """Every word in `tokens`, or the reading: the tsvector of the rows on PostgreSQL, LIKE on SQLite."""
    if (words or reading) and connection.vendor == "postgresql":
        return [Q(_VectorMatch(_tsquery(words, reading)))]
    conditions: list[Q] = []
    if words:
        conditions.append(reduce(operator.and_, [Q(tokens__contains=f" {word} ") for word in words]))
    if reading:
        conditions.append(Q(tokens__contains=f" {reading} "))
    return conditions


def source_match(text: str) -> Q | None:
    """The condition on `SourceSearch` rows that match `text`, or None for a query with nothing to match."""
    key, words, reading = _query_words(text)
    if not key:
        return None
    conditions = _word_match(words, reading)
    if len(key) >= MIN_SUBSTRING:
        conditions.append(Q(text_key__contains=key))
    host = normalise_domain(text)
    if len(host) >= MIN_SUBSTRING and " " not in host:
        conditions.append(Q(domains__contains=host))
    if not conditions:
        return None
    return reduce(operator.or_, conditions)


def matching_sources(sources: QuerySet[DeclaredSource], text: str) -> QuerySet[DeclaredSource]:
    """`sources` narrowed to those matching `text` (all of them for an empty query)."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        return sources
    match = source_match(text)
    if match is None:
        return sources.none()
    return sources.filter(pk__in=SourceSearch.objects.filter(match).values("source_id"))


def capped_count(rows: QuerySet, cap: int) -> int:
    """How many rows `rows` (a `matching_sources` or `matching_requests` result) has, counting at most `cap`.

    Unordered, so the database stops at the `cap`-th match it finds, not at the first in a page's order.
    On PostgreSQL sequential scans are off for this one query: for a common word (巨人, in 33,000 sources)
    the planner would otherwise read the search table from its start, expecting to stop early and taking
    matching a row for almost free, and read 50,000 rows outside the buffer cache; every condition of
    `source_match` and `request_match` has its index, and the index's list of matches is read in a few
    milliseconds.
    """
    counted = rows.order_by()[:cap]
    if connection.vendor != "postgresql":
        return counted.count()
    # Local to a transaction, and put back after the count: the page may run in a caller's transaction.
    with transaction.atomic(using=rows.db), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        (before, _off) = cursor.fetchone()
        try:
            return counted.count()
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


def request_match(text: str) -> Q | None:
    """The condition on `RequestSearch` rows that match `text`, or None for a query with nothing to match:
    its words (or reading) among the request's words, or (three characters or more) its key inside the
    request's names, so "Kumo" finds "Kumo Labs" and "2026-0012" a reference."""
    key, words, reading = _query_words(text)
    if not key:
        return None
    conditions = _word_match(words, reading)
    if len(key) >= MIN_SUBSTRING:
        conditions.append(Q(text_key__contains=key))
    return reduce(operator.or_, conditions) if conditions else None


def matching_requests(
    requests: QuerySet[DisclosureRequest], text: str
) -> tuple[QuerySet[DisclosureRequest], int | None]:
    """`requests` narrowed to those whose search keys match `text` (all of them for an empty query), and
    how many requests match, counted up to `MAX_LISTED_MATCHES + 1` (None for an empty query).

    The count is of every public request that matches, whatever else narrows `requests`: each issued
    request has one search row and no other request has any (`services.publication._write_search_keys`).
    """
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        return requests, None
    match = request_match(text)
    if match is None:
        return requests.none(), 0
    matches = RequestSearch.objects.filter(match).values_list("request_id", flat=True)
    # The planner guesses how many rows a word matches, and a word it takes for frequent but that
    # matches a handful would have a page walk the sort's whole index looking for 50. Up to
    # MAX_LISTED_MATCHES the matches are read first (one index lookup) and the page and its count
    # read exactly those rows; more matches than that are frequent enough to be met early in any order.
    found = list(matches[: MAX_LISTED_MATCHES + 1])
    return requests.filter(pk__in=found if len(found) <= MAX_LISTED_MATCHES else matches), len(found)
