"""A rights holder's concern about a model, its triage by the ministry, and watch terms for their works."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEW = "new", _("New")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    LINKED = "linked", _("Linked to a request")
    NO_ACTION = "no_action", _("No action")
    WITHDRAWN = "withdrawn", _("Withdrawn by the filer")


# States an official works on; a concern in one of them may still change.
OPEN_STATES = (State.NEW, State.UNDER_ASSESSMENT, State.LINKED)
TRIAGE_STATES = (State.NEW, State.UNDER_ASSESSMENT)


class Observation(models.TextChoices):
    OUTPUT_RESEMBLES = "output_resembles", _("Outputs resembling a work or a character")
    SUSPECTED_SOURCE = "suspected_source", _("A suspected training source")
    NAME_IN_PROMPTS = "name_in_prompts", _("Use of a name in prompts")
    STYLE_OUTPUT = "style_output", _("“In the style of” output")


class Ask(models.TextChoices):
    DISCLOSE_SOURCES = "disclose_sources", _("Disclosure of training sources")
    OUTPUT_FILTERING = "output_filtering", _("Output filtering")
    TAKEDOWN = "takedown", _("Takedown")
    OPT_IN_LICENSING = "opt_in_licensing", _("Opt-in licensing")


class WorkKind(models.TextChoices):
    ANIME_SERIES = "anime_series", _("Anime series")
    FILM = "film", _("Film")
    MANGA = "manga", _("Manga")
    GAME = "game", _("Game")
    CHARACTER = "character", _("Character")
    ILLUSTRATION = "illustration", _("Illustration")


class NoActionReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("Outside Article 16")
    ALREADY_DISCLOSED = "already_disclosed", _("Already answered in a public disclosure")
    INSUFFICIENT = "insufficient", _("Not enough information to act on")
    OTHER = "other", _("Other")


class Concern(models.Model):
    """What a rights holder asks the ministry to look into. Confidential unless `allow_public`.

    A draft belongs to the filer alone. Once filed it is the ministry's to triage; a duplicate is merged
    into a primary concern (`merged_into`) and follows it, so every filer of the group stays informed.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="concerns_filed",
        limit_choices_to={"kind": Organisation.Kind.RIGHTS_HOLDER},
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns")
    ministry = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_received",
        limit_choices_to={"kind": Organisation.Kind.MINISTRY},
        verbose_name=_("ministry"),
    )
    developer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns_about",
        limit_choices_to={"kind": Organisation.Kind.DEVELOPER},
        verbose_name=_("AI developer"),
    )
    model_name = models.CharField(_("model or service"), max_length=200, blank=True)
    observations = models.JSONField(_("what was observed"), default=list, blank=True)
    observed = models.TextField(_("what you observed, in your words"), blank=True)
    evidence_text = models.TextField(_("evidence (text)"), blank=True)
    evidence_links = models.TextField(_("links (kept as text, never opened by the portal)"), blank=True)
    prompts = models.TextField(_("prompts used"), blank=True)
    asks = models.JSONField(_("what you ask for"), default=list, blank=True)
    allow_public = models.BooleanField(
        _("show our organisation's name and the works on the public page of a request opened from this concern"),
        default=False,
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns_assigned",
        verbose_name=_("assignee"),
    )
    due_date = models.DateField(_("due (Japan time)"), null=True, blank=True)
    no_action_reason = models.CharField(
        _("reason for no action"), max_length=30, choices=NoActionReason.choices, blank=True
    )
    no_action_note = models.TextField(_("explanation for the filer"), blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates")
    requests = models.ManyToManyField(
        "disclosures.DisclosureRequest", through="ConcernLink", related_name="concerns", blank=True
    )
    revision = models.PositiveIntegerField(default=0)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-filed_at", "-created_at"]
        indexes = [
            models.Index(fields=["ministry", "state"]),
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["developer", "state"]),
            models.Index(fields=["due_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=State.values), name="concern_state_valid"),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(filed_at__isnull=False, ministry__isnull=False),
                name="concern_filed_has_time_and_ministry",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="no_action") | ~models.Q(no_action_reason=""),
                name="concern_no_action_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="concern_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.public_id}"

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_overdue(self) -> bool:
        from disclosures.deadlines import today_in_japan

        return self.state in TRIAGE_STATES and self.due_date is not None and self.due_date < today_in_japan()

    @property
    def observation_labels(self) -> list[str]:
        return [Observation(o).label for o in self.observations if o in Observation.values]

    @property
    def ask_labels(self) -> list[str]:
        return [Ask(a).label for a in self.asks if a in Ask.values]


class ConcernWork(models.Model):
    """One work the concern is about, in the order the filer listed them."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="works")
    position = models.PositiveSmallIntegerField()
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    identifier = models.CharField(_("identifier (ISBN, official site…)"), max_length=300, blank=True)

    class Meta:
        ordering = ["concern", "position"]
        constraints = [models.UniqueConstraint(fields=["concern", "position"], name="concern_work_position_unique")]

    def __str__(self) -> str:
        return self.title_ja or self.title_en


def evidence_path(evidence: "ConcernEvidence", filename: str) -> str:
    # The uploader's file name never reaches the storage path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"concerns/{evidence.concern.public_id}/{evidence.public_id}.{extension}"


class ConcernEvidence(models.Model):
    """An uploaded image, still or document, inspected like answer attachments, stored privately."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ConcernLink(models.Model):
    """A concern linked to a request of the same ministry; read both ways (`concern.requests`, `request.concerns`)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="links")
    request = models.ForeignKey("disclosures.DisclosureRequest", on_delete=models.PROTECT, related_name="concern_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)
    opened_from = models.BooleanField(default=False, help_text="The request was opened from this concern.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["concern", "request"], name="concern_link_unique")]

    def __str__(self) -> str:
        return f"{self.concern} → {self.request}"


class ConcernEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Concern events are append-only.")

    def delete(self):
        raise PermissionError("Concern events are append-only.")


class ConcernEvent(models.Model):
    """One append-only line of a concern's history; `tell_filer` events go into the filer's digest."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    to_state = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    tell_filer = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ConcernEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["concern", "created_at"])]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Concern events are append-only.")
        super().save(*args, **kwargs)


class WatchTerm(models.Model):
    """A title, character, domain or rights-holder name a rights holder wants to hear about."""

    class Kind(models.TextChoices):
        TITLE = "title", _("Title")
        CHARACTER = "character", _("Character name")
        DOMAIN = "domain", _("Domain")
        RIGHTS_HOLDER = "rights_holder", _("Rights-holder name")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="watch_terms")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    term = models.CharField(_("term"), max_length=200)
    # portal.japanese.match_key(term), or the normalised host for domains: what matching compares.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "key"], name="watch_term_unique"),
            models.CheckConstraint(condition=~models.Q(key=""), name="watch_term_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.term


class WatchMatch(models.Model):
    """A public declared source that matched a watch term; found once, told in the next digest."""

    term = models.ForeignKey(WatchTerm, on_delete=models.CASCADE, related_name="matches")
    source = models.ForeignKey("disclosures.DeclaredSource", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey("disclosures.DisclosureRequest", on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["matched_at", "id"]
        constraints = [models.UniqueConstraint(fields=["term", "source"], name="watch_match_unique")]

    def __str__(self) -> str:
        return f"{self.term} ~ {self.source_id}"


class WatchScan(models.Model):
    """How far published versions were scanned for watch terms (one row): each version is read once."""

    scanned_through = models.DateTimeField()

    def __str__(self) -> str:
        return f"scanned through {self.scanned_through:%Y-%m-%d %H:%M}"


class DigestSent(models.Model):
    """The day's digest of one rights-holder user; the unique key allows one email a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    covered_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
