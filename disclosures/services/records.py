"""Producing each record exactly once: job rows created with the state change, claimed by one worker.

`schedule_records` runs inside the transition's transaction and only enqueues after commit; a message
the broker loses leaves its job pending, and the sweeper re-queues it. The task claims its row with a
conditional UPDATE, so a redelivered or duplicated message does no work twice, and the one-to-one key
from record to job makes a second record impossible even if two renders ever race.
"""

import hashlib
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from disclosures.models import AuditEvent, Record, RecordJob, RecordKind, Variant
from disclosures.records.integrity import verified_copy
from disclosures.records.render import RenderedPDF, answer_blocks, render_pdf
from disclosures.services.audit import record_event
from disclosures.services.log import enqueue_log_entry
from disclosures.states import MINISTRY, PUBLIC_MESSAGE_ACTIONS, Action, stays_in_ministry
from portal.accounts.models import User

logger = logging.getLogger(__name__)

RECORD_KINDS: dict[str, str] = {
    Action.ISSUE: RecordKind.REQUEST,
    Action.SUBMIT: RecordKind.SUBMISSION,
    Action.RESUBMIT: RecordKind.SUBMISSION,
    Action.ACCEPT: RecordKind.DECISION,
    Action.REQUEST_CLARIFICATION: RecordKind.DECISION,
    Action.FIND_INSUFFICIENT: RecordKind.DECISION,
    Action.DECLINE: RecordKind.DECISION,
    Action.ESCALATE: RecordKind.DECISION,
    Action.WITHDRAW: RecordKind.DECISION,
}

KIND_TITLES = {
    RecordKind.REQUEST: ("技術的説明の求め", "Request for technical explanation"),
    RecordKind.SUBMISSION: ("回答", "Submitted answers"),
    RecordKind.DECISION: ("決定", "Decision"),
}


class RecordNotReady(Exception):
    """What the record is about cannot be found; not transient, so the job fails with this message."""


# pyHanko (with its HTTP clients) is loaded by the processes that sign, the record workers, not by every
# web process that imports this module to schedule or retry a job: tens of megabytes each. Module-level
# names, so the tests can replace them.
def signing_key():
    from disclosures.records.signing import signing_key

    return signing_key()


def sign_pdf(pdf: bytes, **options) -> bytes:
    from disclosures.records.signing import sign_pdf

    return sign_pdf(pdf, **options)


def latest_timestamp_expiry(pdf: bytes):
    from disclosures.records.signing import latest_timestamp_expiry

    return latest_timestamp_expiry(pdf)


def extend_archive_timestamp(pdf: bytes, **options) -> bytes:
    from disclosures.records.signing import extend_archive_timestamp

    return extend_archive_timestamp(pdf, **options)


def _enqueue(job_ids: list[int]) -> None:
    from disclosures import tasks

    for position, job_id in enumerate(job_ids):
        try:
            tasks.render_record.delay(job_id)
        except KombuOperationalError:  # the broker is away: the job rows stay pending and the sweeper re-queues them
            # Each attempt waits for the publish retries; the rest would fail the same way, so stop here.
            left = job_ids[position:]
            logger.warning("Could not enqueue record job(s) %s; the sweeper will pick them up.", left, exc_info=True)
            return


def planned_records(*, action: str, from_state: str, has_message: bool) -> tuple[str | None, list[str]]:
    """The record kind and variants a transition produces: what `schedule_records` makes and what the
    confirmation page announces before the move. A submission's complete PDF is skipped when nothing
    of it is withheld."""
    kind = RECORD_KINDS.get(action)
    # A draft leaves no trace outside the ministry: its withdrawal gets no record and no log entry.
    if kind is None or stays_in_ministry(action=action, from_state=from_state):
        return None, []
    if kind == RecordKind.SUBMISSION or (has_message and action not in PUBLIC_MESSAGE_ACTIONS):
        # The parties' record carries the message; the public one says only that there was one.
        return kind, [Variant.PUBLIC, Variant.COMPLETE]
    return kind, [Variant.PUBLIC]


def schedule_records(*, event: AuditEvent) -> list[RecordJob]:
    """Create the job rows for the record(s) an event produces, and enqueue them after commit.

    Call inside the transaction that wrote the event. Submissions are keyed by version number (taken
    from `event.data["version"]`) and get a public and a complete PDF; other records one public PDF.
    """
    if event.request_id is None:
        return []
    kind, variants = planned_records(action=event.action, from_state=event.from_state, has_message=bool(event.message))
    if kind is None:
        return []
    version_number = event.data["version"] if kind == RecordKind.SUBMISSION else None
    jobs = []
    for variant in variants:
        key = {"request_id": event.request_id, "variant": variant}
        key.update({"version_number": version_number} if version_number else {"event": event})
        job, _created = RecordJob.objects.get_or_create(
            **key, defaults={"event": event, "kind": kind, "version_number": version_number}
        )
        jobs.append(job)
    ids = [job.pk for job in jobs if job.status == RecordJob.Status.PENDING]
    transaction.on_commit(lambda: _enqueue(ids))
    return jobs


def schedule_concern_record(*, concern) -> RecordJob:
    """Create the job of a filed concern's receipt and enqueue it after commit; call in the filing transaction.

    The receipt is confidential (the filer's organisation and the ministry) but logged like a public record,
    so the filer can prove what they filed and when; the log entry carries only its hash, kind and reference.
    """
    job, _created = RecordJob.objects.get_or_create(
        concern=concern, variant=Variant.COMPLETE, defaults={"kind": RecordKind.CONCERN}
    )
    if job.status == RecordJob.Status.PENDING:
        transaction.on_commit(lambda: _enqueue([job.pk]))
    return job


def _pending_stale_before():
    return timezone.now() - timedelta(seconds=settings.RECORD_JOB_STALE_SECONDS)


def _running_stale_before():
    # A claim older than the hard time limit cannot belong to a live render: that worker is gone.
    seconds = max(settings.RECORD_JOB_STALE_SECONDS, settings.RECORD_RENDER_TIME_LIMIT)
    return timezone.now() - timedelta(seconds=seconds)


def claim_job(job_id: int) -> RecordJob | None:
    """pending -> running, or take over a running job whose worker must be gone; None if not ours to do."""
    now = timezone.now()
    claimed = (
        RecordJob.objects.filter(pk=job_id)
        .filter(
            Q(status=RecordJob.Status.PENDING)
            | Q(status=RecordJob.Status.RUNNING, claimed_at__lt=_running_stale_before())
        )
        .update(status=RecordJob.Status.RUNNING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if not claimed:
        return None
    return RecordJob.objects.select_related(
        "request__ministry",
        "request__developer",
        "event__organisation",
        "concern__ministry",
        "concern__developer",
        "concern__organisation",
    ).get(pk=job_id)


def _release(job: RecordJob, error: BaseException) -> None:
    """Hand a job back after a transient error, so the retry (or the sweeper) can claim it again."""
    RecordJob.objects.filter(pk=job.pk, status=RecordJob.Status.RUNNING).update(
        status=RecordJob.Status.PENDING, error=_describe(error), updated_at=timezone.now()
    )


def mark_failed(job_id: int, error: BaseException | str) -> None:
    failed = (
        RecordJob.objects.filter(pk=job_id)
        .exclude(status__in=[RecordJob.Status.DONE, RecordJob.Status.SKIPPED])
        .update(status=RecordJob.Status.FAILED, error=_describe(error), updated_at=timezone.now())
    )
    if failed:  # a worker lost mid-job (OOM, hard time limit) may have stored its file
        job = RecordJob.objects.select_related("request", "concern").get(pk=job_id)
        remove_unclaimed_files(job)


def _describe(error: BaseException | str) -> str:
    return error if isinstance(error, str) else f"{type(error).__name__}: {error}"[:2000]


def run_record_job(job_id: int) -> Record | None:
    """Render, sign, store and log one record; does nothing if it exists or another worker holds the job.

    Transient errors hand the job back and propagate (the task retries with backoff); anything else
    marks the job failed with the error kept, for an official to retry.
    """
    from disclosures.records.errors import TRANSIENT_ERRORS  # pyHanko's, see `sign_pdf`

    job = claim_job(job_id)
    if job is None:
        return None
    existing = Record.objects.filter(job=job).first()
    if existing is not None:
        RecordJob.objects.filter(pk=job.pk).update(status=RecordJob.Status.DONE, error="")
        return existing
    try:
        return _produce(job)
    except TRANSIENT_ERRORS as error:
        _release(job, error)
        raise
    except (Exception, SoftTimeLimitExceeded) as error:
        logger.exception("Record job %s failed", job.pk)
        mark_failed(job.pk, error)
        return None


def _answers_for(job: RecordJob) -> dict | None:
    """The version's answers for this variant; None when the complete PDF would add nothing."""
    from disclosures.models import ResponseVersion
    from disclosures.selectors.answers import public_answers

    version = ResponseVersion.objects.filter(request=job.request, number=job.version_number).first()
    if version is None:
        raise RecordNotReady(f"version {job.version_number} of {job.request.reference} does not exist")
    public = public_answers(version)
    if job.variant == Variant.PUBLIC:
        return public
    # public_answers() lists the paths it withheld; nothing withheld means the public PDF is complete.
    has_confidential = bool(public["withheld"]) if "withheld" in public else public != version.answers
    return version.answers if has_confidential else None


def record_context(job: RecordJob, *, answers: dict | None = None) -> dict:
    from disclosures.models import LegalBasis, Section
    from disclosures.selectors.answers import question_texts
    from disclosures.states import EscalationAction

    request, event = job.request, job.event
    kind_ja, kind_en = KIND_TITLES[RecordKind(job.kind)]
    action_label = str(Action(event.action).label) if event.action in Action.values else event.action
    if job.kind == RecordKind.DECISION:
        kind_en = f"Decision: {action_label}"
    title = f"{kind_ja} {request.reference}" + (f" 第{job.version_number}版" if job.version_number else "")
    legal = LegalBasis(request.legal_basis)
    from django.utils import translation

    with translation.override("en"):
        legal_basis_en = str(legal.label)
        action_en = str(Action(event.action).label) if event.action in Action.values else event.action
    with translation.override("ja"):
        legal_basis_ja = str(legal.label)
        action_ja = str(Action(event.action).label) if event.action in Action.values else event.action
    taken = (event.data or {}).get("action_taken", "")
    return {
        "title": f"{title} / {kind_en}",
        "kind": job.kind,
        "kind_ja": kind_ja,
        "kind_en": kind_en,
        "request": request,
        "event": event,
        "message": event.message if job.variant == Variant.COMPLETE or event.action in PUBLIC_MESSAGE_ACTIONS else "",
        "message_withheld": bool(event.message)
        and job.variant == Variant.PUBLIC
        and event.action not in PUBLIC_MESSAGE_ACTIONS,
        "version_number": job.version_number,
        "is_public": job.variant == Variant.PUBLIC,
        "legal_basis_ja": legal_basis_ja,
        "legal_basis_en": legal_basis_en,
        "action_label": action_ja if action_ja == action_en else f"{action_ja} / {action_en}",
        "action_taken": EscalationAction(taken).label if taken in EscalationAction.values else taken,
        "deadline": event.deadline or (request.deadline if job.kind == RecordKind.REQUEST else None),
        "sections": [Section(s).label for s in request.sections if s in Section.values],
        "questions": list(request.questions.all()) if job.kind == RecordKind.REQUEST else [],
        "blocks": answer_blocks(answers, questions=question_texts(request), public=job.variant == Variant.PUBLIC)
        if answers
        else [],
        "created_at": timezone.localtime(),
    }


def _render(job: RecordJob) -> tuple[dict, RenderedPDF] | None:
    """The record's context and PDF; None when the job has nothing to record (a complete PDF adding nothing)."""
    if job.kind == RecordKind.CONCERN:
        from concerns.receipts import receipt_context

        context = receipt_context(job.concern)
        return context, render_pdf("pdf/concern.html", context)
    answers = None
    if job.kind == RecordKind.SUBMISSION:
        answers = _answers_for(job)
        if answers is None:
            return None
    context = record_context(job, answers=answers)
    return context, render_pdf("pdf/record.html", context)


def _produce(job: RecordJob) -> Record | None:
    rendered_job = _render(job)
    if rendered_job is None:
        RecordJob.objects.filter(pk=job.pk).update(status=RecordJob.Status.SKIPPED, error="", updated_at=timezone.now())
        return None
    context, rendered = rendered_job
    key = signing_key()
    signed = sign_pdf(rendered.content, reason=context["title"], key=key)
    digest = hashlib.sha256(signed).hexdigest()
    # The file is written before the transaction, under this attempt's name: if the worker dies before
    # the commit, the next attempt or the sweeper finds it by that name and removes it (no row claims it).
    remove_unclaimed_files(job)
    name = default_storage.save(job_file_name(job), ContentFile(signed))
    try:
        with transaction.atomic():
            locked = RecordJob.objects.select_for_update().get(pk=job.pk)
            if Record.objects.filter(job=locked).exists():
                default_storage.delete(name)
                return Record.objects.get(job=locked)
            record = Record.objects.create(
                job=locked,
                request=job.request,
                concern=job.concern,
                kind=job.kind,
                variant=job.variant,
                title=context["title"],
                file=name,
                sha256=digest,
                size=len(signed),
                page_count=rendered.page_count,
                signed_by=key.certificate.subject.native.get("common_name", key.signer_name),
                timestamp_expires_at=latest_timestamp_expiry(signed),
            )
            if record.is_logged:
                enqueue_log_entry(record=record)
            locked.status = RecordJob.Status.DONE
            locked.error = ""
            locked.save(update_fields=["status", "error", "updated_at"])
    except BaseException:
        default_storage.delete(name)
        raise
    return record


def job_file_name(job: RecordJob, attempt: int | None = None) -> str:
    """Where an attempt of a job stores its PDF: derived from the job, so a dead attempt's file can be found."""
    return f"records/{job.subject_reference}/{job.public_id}-{attempt or job.attempts}.pdf"


def remove_unclaimed_files(job: RecordJob) -> list[str]:
    """Delete the files earlier attempts of the job stored that no record row claims; the names removed.

    Call only while no live worker holds the job: after claiming it, or for a job whose claim is stale.
    """
    claimed = set(Record.objects.filter(job=job).values_list("file", flat=True))
    removed = []
    for attempt in range(1, job.attempts + 1):
        name = job_file_name(job, attempt)
        if name not in claimed and default_storage.exists(name):
            default_storage.delete(name)
            removed.append(name)
    if removed:
        logger.warning("Removed %d file(s) of record job %s that no record claims: %s", len(removed), job.pk, removed)
    return removed


def may_retry_record_job(user: User, job: RecordJob) -> bool:
    """The request's own ministry staff, or the platform's operators (who belong to no ministry)."""
    from portal.operations.services import is_platform_operator

    if is_platform_operator(user):
        return True
    ministry_id = job.request.ministry_id if job.request_id else job.concern.ministry_id
    return user.role in MINISTRY and user.organisation is not None and user.organisation.pk == ministry_id


def retry_record_job(*, job: RecordJob, by: User) -> RecordJob:
    """An official or an operator puts a failed job back in the queue (after fixing what made it fail)."""
    if not may_retry_record_job(by, job):
        raise PermissionDenied(_("Only the ministry's officials can retry a record."))
    with transaction.atomic():
        updated = RecordJob.objects.filter(pk=job.pk, status=RecordJob.Status.FAILED).update(
            status=RecordJob.Status.PENDING, updated_at=timezone.now()
        )
        if updated:
            record_event(action="retry_record", actor=by, request=job.request, data={"job": str(job.public_id)})
            transaction.on_commit(lambda: _enqueue([job.pk]))
    job.refresh_from_db()
    return job


def renew_record_timestamps(*, limit: int = 200) -> int:
    """PAdES B-LTA upkeep: a new document timestamp on each record whose last one's TSA certificate expires
    within RECORD_TSA_RENEW_DAYS; the number renewed. Does nothing without a timestamp authority."""
    if not settings.RECORD_TSA_URL:
        return 0
    due = timezone.now() + timedelta(days=settings.RECORD_TSA_RENEW_DAYS)
    ids = Record.objects.filter(timestamp_expires_at__lt=due).order_by("timestamp_expires_at", "pk")
    return sum(renew_record_timestamp(pk) for pk in ids.values_list("pk", flat=True)[:limit])


def renew_record_timestamp(record_id: int) -> bool:
    """Append the last timestamp's validation data and a new document timestamp to the record's archive copy.

    The signed, logged file is never changed: the renewed file goes to `archive_file`, which starts with it.
    A renewal that would not push the expiry later (the TSA still signs with the same certificate) is
    skipped with a warning: the operator must move to a TSA certificate that outlives the current one.
    """
    record = Record.objects.select_related("request", "concern", "job").get(pk=record_id)
    current = verified_copy(record)
    if current is None:
        logger.error("Record %s fails its integrity check; its timestamp is not renewed.", record.public_id)
        return False
    with current:
        extended = extend_archive_timestamp(current.read())
    expires = latest_timestamp_expiry(extended)
    if expires is None or (record.timestamp_expires_at and expires <= record.timestamp_expires_at):
        logger.warning(
            "Renewing the timestamp of record %s would not extend it beyond %s: the TSA certificate expires %s.",
            record.public_id,
            record.timestamp_expires_at,
            expires,
        )
        return False
    name = default_storage.save(
        f"records/{record.reference}/{record.job.public_id}-archive-{timezone.now():%Y%m%d%H%M%S}.pdf",
        ContentFile(extended),
    )
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        if locked.timestamp_expires_at != record.timestamp_expires_at:  # renewed meanwhile by someone else
            transaction.on_commit(lambda: default_storage.delete(name))
            return False
        previous = locked.archive_file.name
        locked.archive_file.name = name
        locked.archive_sha256 = hashlib.sha256(extended).hexdigest()
        locked.archive_size = len(extended)
        locked.timestamp_expires_at = expires
        locked.save(update_fields=["archive_file", "archive_sha256", "archive_size", "timestamp_expires_at"])
        if previous:  # the new archive contains the old one: it is no longer needed once this commits
            transaction.on_commit(lambda: default_storage.delete(previous))
    logger.info("Renewed the archive timestamp of record %s until %s.", record.public_id, expires)
    return True


def sweep_record_jobs() -> int:
    """Re-queue jobs left pending (a lost message) or running (a dead worker) for too long."""
    ids = list(
        RecordJob.objects.filter(
            # updated_at is when the job last changed or was last re-queued, for both statuses: a job
            # is sent again at most once per stale period.
            Q(updated_at__lt=_pending_stale_before())
            & (
                Q(status=RecordJob.Status.PENDING)
                | Q(status=RecordJob.Status.RUNNING, claimed_at__lt=_running_stale_before())
            )
        ).values_list("pk", flat=True)[:500]
    )
    RecordJob.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    # A running job this stale has lost its worker, maybe after it stored its file: remove what no row claims.
    running = RecordJob.objects.filter(pk__in=ids, status=RecordJob.Status.RUNNING).select_related("request", "concern")
    for job in running:
        remove_unclaimed_files(job)
    _enqueue(ids)
    if ids:
        logger.info("Sweeper re-queued %d record job(s).", len(ids))
    return len(ids)
