"""A developer's answer to a request: one working draft, and the frozen versions it was submitted as."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    PUBLIC = "public", _("Public")
    MINISTRY_ONLY = "ministry_only", _("Ministry only")
    TRADE_SECRET = "trade_secret", _("Trade secret")


class ResponseDraft(models.Model):
    """The answer being written: a JSON document validated by the answer forms, saved as often as typed.

    `revision` goes up with every save; a save based on an older revision is refused, so two colleagues
    editing at once never overwrite each other silently.
    """

    request = models.OneToOneField(
        "disclosures.DisclosureRequest", on_delete=models.CASCADE, related_name="response_draft"
    )
    answers = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.request.reference} draft r{self.revision}"


class FrozenQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Submitted versions cannot be changed.")

    def delete(self):
        raise PermissionError("Submitted versions cannot be deleted.")


class ResponseVersion(models.Model):
    """What the developer submitted in one round, frozen: neither the application nor an API may change it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        "disclosures.DisclosureRequest", on_delete=models.PROTECT, related_name="response_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="response_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="response_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Submitted versions cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Submitted versions cannot be deleted.")


class DeclaredSourceQuerySet(FrozenQuerySet):
    def set_publicly_visible(self, visible: bool) -> int:
        """The one change a declared source allows after its version is frozen (see `publicly_visible`)."""
        return models.QuerySet.update(self, publicly_visible=visible)


class DeclaredSource(models.Model):
    """One source of a submitted version, extracted for the "Was my work used?" search.

    Derived from `ResponseVersion.answers` at submission and frozen with it. Whether a row may be shown
    publicly is decided by `selectors.answers.public_declared_sources`, never by reading `tier` alone:
    the latest claim on the same row (`row_key`, the identity `selectors.answers.answer_key` gives it)
    in any version of the request decides. `request` is the version's, kept here so that lookup is one
    index probe.

    `publicly_visible` is that decision stored: the only column that changes after the version is
    frozen, written by `services.publication.refresh_source_visibility` in the transaction of every change
    that can move it (a new version, a publication), so the public surfaces read one indexed column
    instead of evaluating the rule for each of a million rows.
    """

    version = models.ForeignKey(ResponseVersion, on_delete=models.PROTECT, related_name="declared_sources")
    request = models.ForeignKey("disclosures.DisclosureRequest", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    answer_path = models.CharField(max_length=60)
    row_key = models.CharField(max_length=80)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, blank=True)
    modality = models.CharField(max_length=30, blank=True)
    top_domains = models.JSONField(default=list, blank=True)
    rights_holders = models.JSONField(default=list, blank=True)
    consent_basis = models.CharField(max_length=30, blank=True)
    licence_grantor = models.CharField(max_length=300, blank=True)
    tier = models.CharField(max_length=20, choices=Tier.choices)
    publicly_visible = models.BooleanField(default=False)

    objects = DeclaredSourceQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="declared_source_position_unique"),
        ]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["consent_basis"]),
            models.Index(fields=["tier"]),
            models.Index(fields=["request", "row_key"], name="declared_source_row_key"),
            # The search checks each match against this: an index-only probe of a small index.
            models.Index(fields=["id"], condition=models.Q(publicly_visible=True), name="declared_source_public"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Declared sources are frozen with their version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Declared sources are frozen with their version.")


class ConfidentialityDecision(models.Model):
    """An official's decision on one confidentiality claim of a submitted version; until made, the claim holds."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Claim accepted")
        REJECTED = "rejected", _("Claim rejected")

    version = models.ForeignKey(ResponseVersion, on_delete=models.PROTECT, related_name="confidentiality_decisions")
    answer_path = models.CharField(max_length=80)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "answer_path"], name="confidentiality_decision_unique"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["accepted", "rejected"]), name="confidentiality_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.answer_path}: {self.decision}"


class StashedInput(models.Model):
    """Answer input posted after the session expired, kept until its author signs in again.

    The token travels only in the sign-in redirect; restoring it still needs access to the request.
    """

    token = models.CharField(max_length=64, unique=True)
    request_public_id = models.UUIDField()
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"stash for {self.request_public_id}"
