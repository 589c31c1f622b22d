"""Stored index columns of the public index (issue 12): what it sorts and filters on, kept by each
transition (`services.summary.request_changed`) instead of correlated subqueries over the audit events
for every row; an index per sort order ending in the reference; the existing requests backfilled here
in batches (`manage.py rebuild_public_figures` recomputes the same columns)."""

from django.db import migrations, models

from disclosures.states import OPEN_STATES, State

BATCH = 1000
# The same rank as `selectors.public.days_open_rank` (copied: a migration must not follow later code).
OPEN_RANK = 10**12
ENDED = {s for s in State.values if s not in OPEN_STATES and s != State.DRAFT}


def backfill(apps, schema_editor):
    Request = apps.get_model("disclosures", "DisclosureRequest")
    Event = apps.get_model("disclosures", "AuditEvent")
    public = Request.objects.filter(issued_at__isnull=False).exclude(state=State.DRAFT)
    pks = list(public.order_by("pk").values_list("pk", flat=True))
    fields = [
        "index_issue_deadline",
        "index_first_submit_at",
        "index_declined_at",
        "index_ended_at",
        "index_developer",
        "index_ministry",
        "index_days_open",
    ]
    for start in range(0, len(pks), BATCH):
        requests = list(public.filter(pk__in=pks[start : start + BATCH]).select_related("developer", "ministry"))
        found: dict[int, dict] = {r.pk: {} for r in requests}
        events = Event.objects.filter(request_id__in=found).order_by("created_at", "pk")
        for request_id, action, to_state, at, deadline in events.values_list(
            "request_id", "action", "to_state", "created_at", "deadline"
        ):
            values = found[request_id]
            if action == "issue":
                values.setdefault("issue_deadline", deadline)
            if action == "submit":
                values.setdefault("first_submit_at", at)
            if action == "decline":
                values.setdefault("declined_at", at)
            if to_state in ENDED:
                values["ended_at"] = at  # the latest
        for request in requests:
            values = found[request.pk]
            ended = values.get("ended_at") if request.state not in OPEN_STATES else None
            request.index_issue_deadline = values.get("issue_deadline")
            request.index_first_submit_at = values.get("first_submit_at")
            request.index_declined_at = values.get("declined_at")
            request.index_ended_at = ended
            request.index_developer = request.developer.name_en or ""
            request.index_ministry = request.ministry.name_en or ""
            request.index_days_open = (
                max(0, int((ended - request.issued_at).total_seconds()))
                if ended is not None
                else OPEN_RANK - int(request.issued_at.timestamp())
            )
        Request.objects.bulk_update(requests, fields)


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0009_answer_workspace")]

    operations = [
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_days_open",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_declined_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_developer",
            field=models.CharField(blank=True, default="", editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_ended_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_first_submit_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_issue_deadline",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="index_ministry",
            field=models.CharField(blank=True, default="", editable=False, max_length=300),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(
                condition=models.Q(("issued_at__isnull", False), models.Q(("state", "draft"), _negated=True)),
                fields=["issued_at", "reference"],
                name="request_index_issued",
            ),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["deadline", "reference"], name="request_index_deadline"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["model_name", "reference"], name="request_index_model"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["state", "reference"], name="request_index_state"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["index_developer", "reference"], name="request_index_developer"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["index_ministry", "reference"], name="request_index_ministry"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["index_days_open", "reference"], name="request_index_days_open"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
