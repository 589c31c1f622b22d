"""Search keys of declared sources and the one matching of "Was my work used?", on both databases.

Matching reads `portal.japanese` (the normaliser the rights holders' watch terms use), so a query finds
what a watch term with the same text would: widths, kana and case folded, punctuation of titles ignored.

- Words: the query's words (SudachiPy, particles left out) must each be a word of the source
  (`SourceSearch.tokens`, with the shorter words and kana readings `index_tokens` adds). On PostgreSQL
  this is the generated tsvector `vector` with its GIN index, so 講談社 inside 「講談社の作品を学習に使用」,
  a one- or two-character Japanese query (巨人) and a reading (こうだんしゃ) are index lookups.
- Substrings of three characters or more: the query's `match_key` inside the names (`text_key`) or its
  host name inside the domains, served by trigram indexes (pg_trgm) on PostgreSQL.

SQLite runs the same conditions as LIKE over the same columns, without an index.
"""

import operator
from collections.abc import Iterable
from functools import reduce

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import Expression

from disclosures.models import DeclaredSource, SourceSearch
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
        # Spaces around every word let SQLite find a whole word with LIKE '% word %'.
        tokens=f" {' '.join(dict.fromkeys(words))} " if words else "",
    )


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
    """`vector @@ tsquery` on the `SourceSearch` rows of the query, whatever alias they have (a subquery
    renames its tables). `vector` is the PostgreSQL-only generated column, unknown to the model."""

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


def source_match(text: str) -> Q | None:
    """The condition on `SourceSearch` rows that match `text`, or None for a query with nothing to match."""
    key = match_key(text)
    if not key:
        return None
    words = list(dict.fromkeys(query_tokens(text)))[:MAX_QUERY_WORDS]
    reading = reading_key(text) if len(words) != 1 or words[0] != key else ""
    if reading and (len(reading) < MIN_READING_LENGTH or reading in words):
        reading = ""
    conditions: list[Q] = []
    if (words or reading) and connection.vendor == "postgresql":
        conditions.append(Q(_VectorMatch(_tsquery(words, reading))))
    elif words or reading:
        if words:
            conditions.append(reduce(operator.and_, [Q(tokens__contains=f" {word} ") for word in words]))
        if reading:
            conditions.append(Q(tokens__contains=f" {reading} "))
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
    text = text.strip()[:200]
    if not text:
        return sources
    match = source_match(text)
    if match is None:
        return sources.none()
    return sources.filter(pk__in=SourceSearch.objects.filter(match).values("source_id"))
