from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("disclosures", "0007_concern_records"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationDigestSent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "ministry",
                    models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="+", to="accounts.organisation"),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("ministry", "day"), name="publication_digest_once_a_day")
                ],
            },
        ),
    ]
