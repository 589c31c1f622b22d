"""Signed PDF records of a request's life (and of rights holders' filed concerns), and the job rows that
make sure each one is produced once."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    REQUEST = "request", _("Request issued")
    SUBMISSION = "submission", _("Submitted answers")
    DECISION = "decision", _("Decision")
    # A filing receipt: a rights holder's concern as filed. Confidential, but logged, so filing is provable.
    CONCERN = "concern", _("Concern filed")


class Variant(models.TextChoices):
    # The public PDF is built from public content only; the complete one goes to the two parties.
    PUBLIC = "public", _("Public")
    COMPLETE = "complete", _("Complete (ministry and developer only)")


# A record is about exactly one thing: a request, or a rights holder's concern.
ONE_SUBJECT = Q(request__isnull=False, concern__isnull=True) | Q(request__isnull=True, concern__isnull=False)


class RecordJob(models.Model):
    """One row per record to produce; its unique key is what the record records.

    The row is created in the transaction that changes the request's state, so a record can never be
    forgotten: if the broker loses the message, the sweeper finds the row still pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Not needed")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        "disclosures.DisclosureRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="record_jobs"
    )
    concern = models.ForeignKey(
        "concerns.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="record_jobs"
    )
    # The request's audit event the record records; a concern's filing is its own key (one receipt each).
    event = models.ForeignKey(
        "disclosures.AuditEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    # Submissions are keyed by the version they freeze; other records by the event.
    version_number = models.PositiveIntegerField(null=True, blank=True)
    variant = models.CharField(max_length=10, choices=Variant.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "event", "variant"],
                condition=Q(version_number__isnull=True),
                name="record_job_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["request", "version_number", "variant"],
                condition=Q(version_number__isnull=False),
                name="record_job_once_per_version",
            ),
            models.CheckConstraint(
                condition=Q(kind="submission", version_number__isnull=False)
                | (~Q(kind="submission") & Q(version_number__isnull=True)),
                name="record_job_version_iff_submission",
            ),
            models.CheckConstraint(condition=ONE_SUBJECT, name="record_job_one_subject"),
            models.CheckConstraint(
                condition=(Q(request__isnull=False, event__isnull=False) & ~Q(kind="concern"))
                | Q(concern__isnull=False, event__isnull=True, kind="concern"),
                name="record_job_concern_iff_receipt",
            ),
            models.UniqueConstraint(
                fields=["concern", "variant"], condition=Q(concern__isnull=False), name="record_job_once_per_concern"
            ),
        ]

    def __str__(self) -> str:
        key = self.version_number or self.event_id or self.concern_id
        return f"{self.subject_reference} {self.kind} {key} {self.variant} {self.status}"

    @property
    def subject_reference(self) -> str:
        """The reference of what the record is about: the request's, or the concern's."""
        return self.request.reference if self.request_id else self.concern.reference

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


class Record(models.Model):
    """A rendered, signed and stored PDF; at most one per job."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.OneToOneField(RecordJob, on_delete=models.PROTECT, related_name="record")
    request = models.ForeignKey(
        "disclosures.DisclosureRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    concern = models.ForeignKey(
        "concerns.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    variant = models.CharField(max_length=10, choices=Variant.choices)
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to="records/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    page_count = models.PositiveIntegerField()
    signed_by = models.CharField(max_length=300)
    # PAdES B-LTA: when the TSA certificate of the latest document timestamp expires (None: no timestamp).
    timestamp_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The record with later document timestamps appended. `file` stays as signed and logged, and is a
    # prefix of this one, so the log entry still proves the renewed file.
    # Database defaults too: rows bulk-inserted with SQL (bench/log_scale.py) need not name these columns.
    archive_file = models.FileField(upload_to="records/%Y/%m/", blank=True, db_default="")
    archive_sha256 = models.CharField(max_length=64, blank=True, db_default="")
    archive_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=ONE_SUBJECT, name="record_one_subject")]

    def __str__(self) -> str:
        return f"{self.title} ({self.variant})"

    @property
    def reference(self) -> str:
        """The reference of what the record is about (the log entry carries it)."""
        return self.request.reference if self.request_id else self.concern.reference

    @property
    def is_logged(self) -> bool:
        """Public records and concern receipts get a log entry; a complete request record never does."""
        return self.variant == Variant.PUBLIC or self.kind == RecordKind.CONCERN

    @property
    def filename(self) -> str:
        suffix = "" if self.variant == Variant.PUBLIC or self.kind == RecordKind.CONCERN else "-complete"
        return f"{self.reference}-{self.kind}-{self.job_id}{suffix}.pdf"
