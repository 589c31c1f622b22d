from django.db import models


class PublicationDigestSent(models.Model):
    """The day's digest of requests awaiting publication approval, for one ministry's supervisors.

    The unique key allows one digest a day however often beat runs the task.
    """

    ministry = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ministry", "day"], name="publication_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.ministry_id} {self.day}"
