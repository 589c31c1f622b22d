from django.db import models


class ReminderSent(models.Model):
    """A reminder or overdue notice that went out; the unique key makes a second send impossible.

    `deadline` identifies the stage: a clarification round sets a new deadline, so its reminders
    are new rows, while a beat task that runs twice on one day finds the row already there.
    """

    class Kind(models.TextChoices):
        DUE_IN_7_DAYS = "due_7", "7 days before the deadline"
        DUE_IN_2_DAYS = "due_2", "2 days before the deadline"
        OVERDUE = "overdue", "the day after the deadline"
        MINISTRY_DIGEST = "digest", "in the ministry's overdue digest"

    request = models.ForeignKey("disclosures.DisclosureRequest", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    deadline = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "deadline"], name="reminder_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.deadline}"
