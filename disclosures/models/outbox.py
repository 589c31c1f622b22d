from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """One email to one person, written in the transaction of the change it tells of.

    The row is committed with the change or not at all, so a broker outage delays the mail but never
    loses it: beat's drain sends what the message sent on commit did not. Like a record job, the row is
    claimed with a conditional update before sending, so a redelivered message or two drains send it once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey("disclosures.AuditEvent", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The mail's templates (`<template>_subject.txt`, `.txt`, `.html`), rendered when it is sent.
    template = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # A failed send waits until then (backoff); the drain takes only pending rows that are due.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_mail_due")]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient", "template"], name="outbox_mail_once_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient_id} for event {self.event_id}: {self.status}"
