import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosures.states import AWAITING_DEVELOPER, OPEN_STATES, State
from portal.accounts.models import Organisation


class LegalBasis(models.TextChoices):
    ARTICLE_16 = "article_16", _("Article 16 of the AI Promotion Act (technical explanation)")
    ARTICLE_25 = "article_25", _("Article 25 of the AI Promotion Act (cooperation request)")
    OTHER = "other", _("Other")


# Reference numbers read e.g. AIPA16-2026-0007; the prefix names the legal basis.
REFERENCE_PREFIX = {LegalBasis.ARTICLE_16: "AIPA16", LegalBasis.ARTICLE_25: "AIPA25", LegalBasis.OTHER: "AIPAX"}


class Section(models.TextChoices):
    PROVIDER = "provider", _("Provider and model")
    TRAINING_DATA = "training_data", _("Training data overview")
    SOURCES = "sources", _("Sources")
    OUTPUT_FILTERS = "output_filters", _("Output filters")
    TAKEDOWN = "takedown", _("Takedown and complaints")
    GOVERNANCE = "governance", _("Governance")


class ReferenceCounter(models.Model):
    """The last number handed out per prefix and year; locked while a number is taken."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


# The public index's sort columns and their indexes (issue 12).
INDEX_SORTS = (
    ("issued_at", "request_index_issued"),
    ("deadline", "request_index_deadline"),
    ("model_name", "request_index_model"),
    ("state", "request_index_state"),
    ("index_developer", "request_index_developer"),
    ("index_ministry", "request_index_ministry"),
    ("index_days_open", "request_index_days_open"),
)

# The rows the public sees (issued, never a draft): the condition of the index's partial indexes.
PUBLIC_ROWS = models.Q(issued_at__isnull=False) & ~models.Q(state="draft")


class DisclosureRequest(models.Model):
    """A technical-explanation request from a ministry to one AI developer organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    ministry = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="requests_sent",
        limit_choices_to={"kind": Organisation.Kind.MINISTRY},
    )
    developer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="requests_received",
        limit_choices_to={"kind": Organisation.Kind.DEVELOPER},
        verbose_name=_("AI developer"),
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.ARTICLE_16
    )
    legal_basis_other = models.CharField(_("other legal basis"), max_length=300, blank=True)
    model_name = models.CharField(_("model or service"), max_length=200)
    model_version = models.CharField(_("version"), max_length=100, blank=True)
    sections = models.JSONField(_("sections asked"), default=list)
    covering_letter = models.TextField(_("covering letter"))
    deadline = models.DateField(_("deadline (Japan time)"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.DRAFT)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the public index sorts and filters on, stored so it is read, not recomputed from the audit
    # events for every row (issue 12). Written only by `services.summary.request_changed` in each
    # transition's transaction and by `rebuild_figures`; `selectors.public.public()` reads them under
    # its annotation names (issue_deadline, first_submit_at, declined_at, ended_at, open_for).
    index_issue_deadline = models.DateField(null=True, editable=False)
    index_first_submit_at = models.DateTimeField(null=True, editable=False)
    index_declined_at = models.DateTimeField(null=True, editable=False)
    index_ended_at = models.DateTimeField(null=True, editable=False)
    index_developer = models.CharField(max_length=300, blank=True, default="", editable=False)
    index_ministry = models.CharField(max_length=300, blank=True, default="", editable=False)
    index_days_open = models.BigIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ministry", "state"]),
            models.Index(fields=["developer", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["issued_at"]),
            # Filters of the public index (issue 6).
            models.Index(fields=["legal_basis", "issued_at"]),
            models.Index(fields=["deadline"]),
            models.Index(fields=["model_name"]),
            # Each sort of the public index with its tie-breaker (the reference, in the same direction,
            # so one index serves both directions; issue 12). Partial on the public rows, so the
            # references of a page far down are read from the index alone (an index-only scan skips
            # 10,000 entries without visiting the rows: the deferred join of
            # `selectors.public.index_page`), and a count of the public requests is index-only too.
            # The id rides along (PostgreSQL; SQLite ignores it) for a search, which walks the sort's
            # index and looks up each row's search keys by id: from the index alone, not the rows.
            *(
                models.Index(
                    fields=[column, "reference"],
                    include=["id"],
                    name=name,
                    condition=PUBLIC_ROWS,
                )
                for column, name in INDEX_SORTS
            ),
            # One developer's requests, newest first: the index filtered by developer walks only theirs,
            # searched or not.
            models.Index(
                fields=["developer", "issued_at", "reference"],
                include=["id"],
                name="request_index_developer_issued",
                condition=PUBLIC_ROWS,
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=State.values), name="request_state_valid"),
            models.CheckConstraint(condition=~models.Q(ministry=models.F("developer")), name="request_parties_differ"),
            models.CheckConstraint(
                condition=models.Q(state="draft") | models.Q(state="withdrawn") | models.Q(issued_at__isnull=False),
                name="request_issued_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def section_labels(self) -> list[str]:
        return [Section(s).label for s in self.sections if s in Section.values]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def awaits_developer(self) -> bool:
        return self.state in AWAITING_DEVELOPER

    @property
    def days_overdue(self) -> int:
        from disclosures.deadlines import today_in_japan

        if not self.awaits_developer or self.deadline is None:
            return 0
        return max(0, (today_in_japan() - self.deadline).days)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


class Question(models.Model):
    """A free question of a request, in the order the official set."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("question"))
    guidance = models.TextField(_("guidance"), blank=True)

    class Meta:
        ordering = ["request", "position"]
        constraints = [models.UniqueConstraint(fields=["request", "position"], name="question_position_unique")]

    def __str__(self) -> str:
        return f"{self.request.reference} Q{self.position}"
