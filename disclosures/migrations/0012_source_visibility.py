"""`DeclaredSource.publicly_visible`: the publication and confidentiality rule of the declared sources,
stored (issue 12), and filled here from the rule as it stands at this migration."""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def fill_visibility(apps, schema_editor):
    # A copy of `selectors.public.source_visibility_rule()` at this migration (a migration cannot
    # import code that later changes): public in its version and in the row's latest claim, of an
    # approved version of a published, issued request.
    DeclaredSource = apps.get_model("disclosures", "DeclaredSource")
    latest_tier = Subquery(
        DeclaredSource.objects.filter(request=OuterRef("request"), row_key=OuterRef("row_key"))
        .order_by("-version__number")
        .values("tier")[:1]
    )
    shown = (
        DeclaredSource.objects.filter(
            tier="public",
            version__request__issued_at__isnull=False,
            version__request__publication__isnull=False,
            version__publication__isnull=False,
        )
        .exclude(version__request__state="draft")
        .annotate(latest_tier=latest_tier)
        .filter(latest_tier="public")
    )
    DeclaredSource.objects.filter(pk__in=shown.values("pk")).update(publicly_visible=True)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0011_request_search")]
    operations = [
        migrations.AddField(
            model_name="declaredsource",
            name="publicly_visible",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill_visibility, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="declaredsource",
            index=models.Index(condition=Q(publicly_visible=True), fields=["id"], name="declared_source_public"),
        ),
    ]
