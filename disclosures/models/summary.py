"""Summary rows behind the public figures: maintained in the transaction of every transition.

`RequestFigures` is one row per issued request holding what it contributes to the figures (its state,
outcome, deadline while the developer's move is awaited, days to first answer, month of a decline).
The tallies count those rows by the dimensions the pages group by, so the companies page, a company
page and the statistics read a few hundred counter rows whatever the number of requests.
`services.summary` is the only writer: it moves a request's contribution from one counter to another.

What changes with the calendar alone ("not yet due" becoming "no answer by the deadline", overdue)
is not stored: `DueTally` keeps requests awaiting the developer by their deadline date, and the
reader splits them at today with a range on the indexed `due` column.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What came of a request, as the "comply or explain" figures count it."""

    AWAITING = "awaiting", _("No answer yet")
    ON_TIME = "on_time", _("Answered on time")
    LATE = "late", _("Answered late")
    DECLINED = "declined", _("Declined with reasons")
    WITHDRAWN = "withdrawn", _("Withdrawn by the ministry")


class RequestFigures(models.Model):
    """One issued request's contribution to the tallies, kept so a change can take it back exactly."""

    request = models.OneToOneField(
        "disclosures.DisclosureRequest", on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    developer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    ministry = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    model_name = models.CharField(max_length=200)
    month = models.DateField()  # first day of the month of issue (Japan time)
    state = models.CharField(max_length=30)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    due = models.DateField(null=True)  # the deadline while the developer's move is awaited
    answer_days = models.PositiveIntegerField(null=True)  # issue to first submission, in days
    declined_month = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.request_id}: {self.outcome}"


class RequestTally(models.Model):
    """Issued requests by developer, month of issue, current state and outcome."""

    developer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    state = models.CharField(max_length=30)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["developer", "month", "state", "outcome"], name="request_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.developer_id} {self.month:%Y-%m} {self.state}/{self.outcome}: {self.count}"


class DueTally(models.Model):
    """Requests awaiting the developer (issued, acknowledged, clarification asked) by their deadline."""

    developer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    ministry = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=30)
    due = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["developer", "ministry", "state", "due"], name="due_tally_key")]
        indexes = [models.Index(fields=["due", "state"], name="due_tally_due")]

    def __str__(self) -> str:
        return f"{self.developer_id} {self.state} due {self.due}: {self.count}"


class AnswerTally(models.Model):
    """First answers by developer and days from issue (medians and the answer-time chart)."""

    developer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["developer", "days"], name="answer_tally_key")]

    def __str__(self) -> str:
        return f"{self.developer_id} {self.days} days: {self.count}"


class DeclineTally(models.Model):
    """Declines with reasons by developer and the month they were made."""

    developer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["developer", "month"], name="decline_tally_key")]

    def __str__(self) -> str:
        return f"{self.developer_id} {self.month:%Y-%m}: {self.count}"


class ModelTally(models.Model):
    """Issued requests by developer and model name (the models a company page lists)."""

    developer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    model_name = models.CharField(max_length=200)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["developer", "model_name"], name="model_tally_key")]

    def __str__(self) -> str:
        return f"{self.developer_id} {self.model_name}: {self.count}"


class SourceSearch(models.Model):
    """The search keys of one declared source, written when it is declared (`disclosures.search`).

    `text_key` holds the `match_key` of its name, rights holders, licence grantor, company and model
    (one line each, so a match never spans two fields); `domains` its normalised host names, one a
    line; `tokens` its words and their readings (SudachiPy), space-separated. On PostgreSQL the
    migration adds `vector`, a tsvector generated from `tokens` with a GIN index, and trigram indexes
    on `text_key` and `domains`; SQLite matches the same columns by substring.
    """

    source = models.OneToOneField(
        "disclosures.DeclaredSource", on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    text_key = models.TextField()
    domains = models.TextField(blank=True)
    tokens = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"search keys of {self.source_id}"


class RequestSearch(models.Model):
    """The search keys of one issued request, the only thing the index's search reads (`disclosures.search`).

    Written in the transaction of every change of what the public may see of it
    (`services.publication.public_changed`): `text_key` holds the `match_key` of its reference, model
    name and version and the developer's and ministry's names in both languages (one a line, so a
    match never spans two of them); `tokens` the words and readings (SudachiPy) of the same metadata
    and, once publication was approved, of the public text (`selectors.public.public_text_parts`:
    letter, free questions, the latest approved version's public answers, never a withheld one). On
    PostgreSQL the migration adds `vector`, a tsvector generated from `tokens` with a GIN index, and a
    trigram index on `text_key`; SQLite matches the same columns by substring. A separate row rather
    than columns of the request: the tokens of a published answer run to kilobytes, which would widen
    the row every index page reads, and a transition that changes no text rewrites no index entry.
    """

    request = models.OneToOneField(
        "disclosures.DisclosureRequest", on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    text_key = models.TextField()
    tokens = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"search keys of {self.request_id}"
