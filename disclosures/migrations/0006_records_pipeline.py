"""Summary rows of the public figures, search keys of declared sources and their PostgreSQL indexes (issue 12).

On PostgreSQL: the pg_trgm extension, a tsvector generated from the search tokens with a GIN index,
trigram indexes on the normalised names and the domains of sources, and trigram indexes for the substring
search of the index (the reference, the model and the public text, as `icontains` compares them).
SQLite keeps the plain columns (substring search).
Existing data is counted and indexed by `manage.py rebuild_public_figures` (run once after upgrading a
database that already holds requests; new data is maintained as it is written).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE disclosures_sourcesearch ADD COLUMN IF NOT EXISTS vector tsvector
    GENERATED ALWAYS AS (array_to_tsvector(array_remove(string_to_array(tokens, ' '), ''))) STORED;
CREATE INDEX IF NOT EXISTS source_search_vector ON disclosures_sourcesearch USING gin (vector);
CREATE INDEX IF NOT EXISTS source_search_text_trgm ON disclosures_sourcesearch USING gin (text_key gin_trgm_ops);
CREATE INDEX IF NOT EXISTS source_search_domains_trgm ON disclosures_sourcesearch USING gin (domains gin_trgm_ops);
CREATE INDEX IF NOT EXISTS request_reference_trgm ON disclosures_disclosurerequest
    USING gin ((UPPER(reference::text)) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS request_model_name_trgm ON disclosures_disclosurerequest
    USING gin ((UPPER(model_name::text)) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS publication_search_text_trgm ON disclosures_publication
    USING gin ((UPPER(search_text::text)) gin_trgm_ops);
"""

POSTGRESQL_REVERSE = """
DROP INDEX IF EXISTS publication_search_text_trgm;
DROP INDEX IF EXISTS request_model_name_trgm;
DROP INDEX IF EXISTS request_reference_trgm;
DROP INDEX IF EXISTS source_search_domains_trgm;
DROP INDEX IF EXISTS source_search_text_trgm;
DROP INDEX IF EXISTS source_search_vector;
ALTER TABLE disclosures_sourcesearch DROP COLUMN IF EXISTS vector;
"""


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("disclosures", "0005_outbox")]

    operations = [
        migrations.CreateModel(
            name="SourceSearch",
            fields=[
                (
                    "source",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="disclosures.declaredsource",
                    ),
                ),
                ("text_key", models.TextField()),
                ("domains", models.TextField(blank=True)),
                ("tokens", models.TextField(blank=True)),
            ],
        ),
        migrations.CreateModel(
            name="RequestFigures",
            fields=[
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="figures",
                        serialize=False,
                        to="disclosures.disclosurerequest",
                    ),
                ),
                ("model_name", models.CharField(max_length=200)),
                ("month", models.DateField()),
                ("state", models.CharField(max_length=30)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("awaiting", "No answer yet"),
                            ("on_time", "Answered on time"),
                            ("late", "Answered late"),
                            ("declined", "Declined with reasons"),
                            ("withdrawn", "Withdrawn by the ministry"),
                        ],
                        max_length=20,
                    ),
                ),
                ("due", models.DateField(null=True)),
                ("answer_days", models.PositiveIntegerField(null=True)),
                ("declined_month", models.DateField(null=True)),
                (
                    "developer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
                (
                    "ministry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AnswerTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("days", models.PositiveIntegerField()),
                ("count", models.IntegerField(default=0)),
                (
                    "developer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("developer", "days"), name="answer_tally_key")],
            },
        ),
        migrations.CreateModel(
            name="DeclineTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("count", models.IntegerField(default=0)),
                (
                    "developer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("developer", "month"), name="decline_tally_key")],
            },
        ),
        migrations.CreateModel(
            name="DueTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("state", models.CharField(max_length=30)),
                ("due", models.DateField()),
                ("count", models.IntegerField(default=0)),
                (
                    "developer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
                (
                    "ministry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["due", "state"], name="due_tally_due")],
                "constraints": [
                    models.UniqueConstraint(fields=("developer", "ministry", "state", "due"), name="due_tally_key")
                ],
            },
        ),
        migrations.CreateModel(
            name="ModelTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("model_name", models.CharField(max_length=200)),
                ("count", models.IntegerField(default=0)),
                (
                    "developer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("developer", "model_name"), name="model_tally_key")],
            },
        ),
        migrations.CreateModel(
            name="RequestTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("state", models.CharField(max_length=30)),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("awaiting", "No answer yet"),
                            ("on_time", "Answered on time"),
                            ("late", "Answered late"),
                            ("declined", "Declined with reasons"),
                            ("withdrawn", "Withdrawn by the ministry"),
                        ],
                        max_length=20,
                    ),
                ),
                ("count", models.IntegerField(default=0)),
                (
                    "developer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.organisation"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("developer", "month", "state", "outcome"), name="request_tally_key")
                ],
            },
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
