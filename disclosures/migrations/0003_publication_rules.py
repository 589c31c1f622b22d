"""Publication per version, and declared sources that follow their row's latest claim.

- `PublishedVersion`: each submitted version waits for its own approval. An existing `Publication`
  approved the versions submitted up to its `approved_at`; those get a row with the same approver and
  time. A version submitted after it waits for a supervisor, as a new one would.
- `DeclaredSource.request` and `row_key`: the row's identity across versions (documents from before row
  ids existed are identified by position, which is what `answer_path` holds), so the source search can
  look up the latest claim on the same row in one index probe.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_declared_sources(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now, so the ALTER TABLE below finds no pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    DeclaredSource = apps.get_model("disclosures", "DeclaredSource")
    ResponseVersion = apps.get_model("disclosures", "ResponseVersion")
    for version_id, request_id in ResponseVersion.objects.values_list("pk", "request_id").iterator():
        DeclaredSource.objects.filter(version_id=version_id).update(request_id=request_id)
    DeclaredSource.objects.filter(row_key="").update(row_key=models.F("answer_path"))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def approve_versions_up_to_each_publication(apps, schema_editor):
    Publication = apps.get_model("disclosures", "Publication")
    PublishedVersion = apps.get_model("disclosures", "PublishedVersion")
    ResponseVersion = apps.get_model("disclosures", "ResponseVersion")
    for publication in Publication.objects.iterator():
        versions = ResponseVersion.objects.filter(
            request_id=publication.request_id, submitted_at__lte=publication.approved_at
        )
        PublishedVersion.objects.bulk_create(
            PublishedVersion(
                version=version, approved_by_id=publication.approved_by_id, approved_at=publication.approved_at
            )
            for version in versions
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_postgresql"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("approved_at", models.DateTimeField(verbose_name="publication approved")),
                (
                    "approved_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publication",
                        to="disclosures.responseversion",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="declaredsource",
            name="request",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="disclosures.disclosurerequest",
            ),
        ),
        migrations.AddField(
            model_name="declaredsource",
            name="row_key",
            field=models.CharField(default="", max_length=80),
            preserve_default=False,
        ),
        migrations.RunPython(fill_declared_sources, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="declaredsource",
            name="request",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="disclosures.disclosurerequest"
            ),
        ),
        migrations.AddIndex(
            model_name="declaredsource",
            index=models.Index(fields=["request", "row_key"], name="declared_source_row_key"),
        ),
        migrations.RunPython(approve_versions_up_to_each_publication, migrations.RunPython.noop),
    ]
