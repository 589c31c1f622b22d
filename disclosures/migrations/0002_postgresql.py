"""What only PostgreSQL gets: the audit table's append-only trigger and the full-text search index.

On PostgreSQL, the audit table refuses UPDATE and DELETE at the database: not even a bug in the
application, a shell session or a raw query run by the application's role can rewrite history.
Elsewhere (SQLite in development) the Python-side refusal in AuditEvent is the only guard.
TRUNCATE is left alone: the test runner's flush uses it; in production revoke TRUNCATE from the
application's role (and do not let it own the table, since an owner can disable triggers).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION disclosures_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS disclosures_auditevent_append_only ON disclosures_auditevent;
CREATE TRIGGER disclosures_auditevent_append_only
    BEFORE UPDATE OR DELETE ON disclosures_auditevent
    FOR EACH ROW EXECUTE FUNCTION disclosures_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS disclosures_auditevent_append_only ON disclosures_auditevent;
DROP FUNCTION IF EXISTS disclosures_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


def create_search_index(apps, schema_editor):
    # Full-text search of published text on PostgreSQL; SQLite searches by substring without an index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS publication_search_text_fts ON disclosures_publication "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publication_search_text_fts")


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0001_initial")]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
