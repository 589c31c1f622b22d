"""Read-side queries for records: what a request page lists, and who may download which PDF."""

from dataclasses import dataclass

from django.http import Http404

from disclosures.models import LogEntry, Record, RecordJob, Variant
from disclosures.permissions import is_party
from portal.accounts.models import User


@dataclass(frozen=True)
class RecordRow:
    job: RecordJob
    record: Record | None
    log_index: int | None


def records_for_request(request) -> list[RecordRow]:
    """Every record job of a request with its PDF and log entry, for the parties' request pages."""
    jobs = list(
        RecordJob.objects.filter(request=request)
        .exclude(status=RecordJob.Status.SKIPPED)
        .select_related("event", "record")
        .order_by("created_at", "id")
    )
    records = {r.job_id: r for r in Record.objects.filter(request=request)}
    logged = dict(LogEntry.objects.filter(record__request=request).values_list("record_id", "index"))
    rows = []
    for job in jobs:
        record = records.get(job.pk)
        rows.append(RecordRow(job=job, record=record, log_index=logged.get(record.pk) if record else None))
    return rows


def may_download(user: User, record: Record) -> bool:
    """The complete PDF only for the two parties; a public one for anyone, as the public pages list it."""
    if user.is_authenticated and is_party(user, record.request):
        return True
    if record.variant != Variant.PUBLIC:
        return False
    from disclosures.selectors.public import public_records

    return any(r.pk == record.pk for r in public_records(record.request))


def record_for_download(user: User, public_id) -> Record:
    """The record, or 404 when it does not exist or the user may not have it (the two look the same)."""
    # A concern's filing receipt has its own download (concerns:receipt), scoped like the concern.
    record = Record.objects.select_related("request").filter(public_id=public_id, request__isnull=False).first()
    if record is None or not may_download(user, record):
        raise Http404
    return record


def log_entry_for_hash(sha256: str) -> LogEntry | None:
    return LogEntry.objects.filter(record_sha256=sha256.lower()).first()
