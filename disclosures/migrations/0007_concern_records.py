"""Records and record jobs belong to a request or to a rights holder's concern (its filing receipt);
records keep the expiry of their archive timestamp and the renewed (B-LTA) file."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0006_records_pipeline"), ("concerns", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="record",
            name="concern",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="concerns.concern",
            ),
        ),
        migrations.AddField(
            model_name="recordjob",
            name="concern",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="record_jobs",
                to="concerns.concern",
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="kind",
            field=models.CharField(
                choices=[
                    ("request", "Request issued"),
                    ("submission", "Submitted answers"),
                    ("decision", "Decision"),
                    ("concern", "Concern filed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="records",
                to="disclosures.disclosurerequest",
            ),
        ),
        migrations.AlterField(
            model_name="recordjob",
            name="event",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="disclosures.auditevent",
            ),
        ),
        migrations.AlterField(
            model_name="recordjob",
            name="kind",
            field=models.CharField(
                choices=[
                    ("request", "Request issued"),
                    ("submission", "Submitted answers"),
                    ("decision", "Decision"),
                    ("concern", "Concern filed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="recordjob",
            name="request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="record_jobs",
                to="disclosures.disclosurerequest",
            ),
        ),
        migrations.AddConstraint(
            model_name="record",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("concern__isnull", True), ("request__isnull", False)),
                    models.Q(("concern__isnull", False), ("request__isnull", True)),
                    _connector="OR",
                ),
                name="record_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="recordjob",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("concern__isnull", True), ("request__isnull", False)),
                    models.Q(("concern__isnull", False), ("request__isnull", True)),
                    _connector="OR",
                ),
                name="record_job_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="recordjob",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("event__isnull", False),
                        ("request__isnull", False),
                        models.Q(("kind", "concern"), _negated=True),
                    ),
                    models.Q(("concern__isnull", False), ("event__isnull", True), ("kind", "concern")),
                    _connector="OR",
                ),
                name="record_job_concern_iff_receipt",
            ),
        ),
        migrations.AddConstraint(
            model_name="recordjob",
            constraint=models.UniqueConstraint(
                condition=models.Q(("concern__isnull", False)),
                fields=("concern", "variant"),
                name="record_job_once_per_concern",
            ),
        ),
        migrations.AddField(
            model_name="record",
            name="archive_file",
            field=models.FileField(blank=True, db_default="", upload_to="records/%Y/%m/"),
        ),
        migrations.AddField(
            model_name="record",
            name="archive_sha256",
            field=models.CharField(blank=True, db_default="", max_length=64),
        ),
        migrations.AddField(
            model_name="record",
            name="archive_size",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="record",
            name="timestamp_expires_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
    ]
