from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A supervisor's approval that a request's covering letter and answers may go public.

    The request's metadata is public once issued; only what this row gates (the letter, the free
    questions and the public answers) waits for it. `search_text` is the denormalised text of what
    became public, kept here so the index can search answers without reading every version.
    """

    request = models.OneToOneField(
        "disclosures.DisclosureRequest", on_delete=models.PROTECT, related_name="publication"
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("publication approved"))
    search_text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["approved_at"])]

    def __str__(self) -> str:
        return f"{self.request_id} approved {self.approved_at:%Y-%m-%d}"
