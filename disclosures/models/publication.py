from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A supervisor's first approval of a request: its covering letter and free questions may go public.

    The request's metadata is public once issued; the letter, the free questions and the request record
    wait for this row; each submitted version waits for its own `PublishedVersion`. `search_text` is the
    denormalised text of what is public, kept here so the index can search answers without reading
    every version.
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


class PublishedVersion(models.Model):
    """A supervisor's approval that one submitted version's public answers and records may go public.

    Publication is approved per version: a version submitted after an approval waits for its own.
    """

    version = models.OneToOneField("disclosures.ResponseVersion", on_delete=models.PROTECT, related_name="publication")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("publication approved"))

    def __str__(self) -> str:
        return f"{self.version} approved {self.approved_at:%Y-%m-%d}"
