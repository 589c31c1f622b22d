"""Search keys of the public index (issue 12): one `RequestSearch` row per issued request.

On PostgreSQL: a tsvector generated from its tokens with a GIN index (the Japanese-aware word search,
as for declared sources) and a trigram index on its normalised names (substrings of three characters or
more). The two indexes of `Publication.search_text` (the `simple` full-text and its trigrams) had no
other reader than the old index search and are dropped. SQLite keeps the plain columns (substring search).
The sort indexes of the index become partial on the public rows (as the default order's was).
Existing requests are indexed by `manage.py rebuild_public_figures` (`services.summary.rebuild_figures`
calls `services.publication.rebuild_request_search`); new data is maintained as it is written.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE disclosures_requestsearch ADD COLUMN IF NOT EXISTS vector tsvector
    GENERATED ALWAYS AS (array_to_tsvector(array_remove(string_to_array(tokens, ' '), ''))) STORED;
-- The tokens are read only to generate the vector: kept out of line, so the rows a search reads hold
-- the vector inline and a scan that stops after a thousand matches reads no TOAST (bench/README.md).
ALTER TABLE disclosures_requestsearch ALTER COLUMN tokens SET STORAGE EXTERNAL;
ALTER TABLE disclosures_requestsearch ALTER COLUMN vector SET STORAGE MAIN;
CREATE INDEX IF NOT EXISTS request_search_vector ON disclosures_requestsearch USING gin (vector);
CREATE INDEX IF NOT EXISTS request_search_text_trgm ON disclosures_requestsearch USING gin (text_key gin_trgm_ops);
DROP INDEX IF EXISTS publication_search_text_fts;
DROP INDEX IF EXISTS publication_search_text_trgm;
"""

POSTGRESQL_REVERSE = """
CREATE INDEX IF NOT EXISTS publication_search_text_fts ON disclosures_publication
    USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')));
CREATE INDEX IF NOT EXISTS publication_search_text_trgm ON disclosures_publication
    USING gin ((UPPER(search_text::text)) gin_trgm_ops);
DROP INDEX IF EXISTS request_search_text_trgm;
DROP INDEX IF EXISTS request_search_vector;
ALTER TABLE disclosures_requestsearch DROP COLUMN IF EXISTS vector;
"""


# The index's sort columns and their indexes (copied: a migration must not follow later code).
SORTS = (
    ("issued_at", "request_index_issued"),
    ("deadline", "request_index_deadline"),
    ("model_name", "request_index_model"),
    ("state", "request_index_state"),
    ("index_developer", "request_index_developer"),
    ("index_ministry", "request_index_ministry"),
    ("index_days_open", "request_index_days_open"),
)
PUBLIC = models.Q(("issued_at__isnull", False), models.Q(("state", "draft"), _negated=True))


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0010_index_columns")]

    operations = [
        migrations.CreateModel(
            name="RequestSearch",
            fields=[
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="disclosures.disclosurerequest",
                    ),
                ),
                ("text_key", models.TextField()),
                ("tokens", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
        # The index's sort indexes become partial on the public rows, like the one of the default order,
        # so a page far down reads its references from the sort's index alone (`selectors.public.index_page`).
        *(migrations.RemoveIndex(model_name="disclosurerequest", name=name) for _column, name in SORTS),
        *(
            migrations.AddIndex(
                model_name="disclosurerequest",
                index=models.Index(
                    condition=PUBLIC,
                    fields=[column, "reference"],
                    name=name,
                ),
            )
            for column, name in SORTS
        ),
    ]
