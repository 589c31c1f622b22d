import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disclosures.models.response import Tier


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # The uploader's file name never reaches the storage path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{attachment.request.public_id}/{attachment.public_id}.{extension}"


class Attachment(models.Model):
    """A file a developer attached to their answer, stored privately and served only through a checked view."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey("disclosures.DisclosureRequest", on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    tier = models.CharField(_("confidentiality"), max_length=20, choices=Tier.choices, default=Tier.PUBLIC)
    reason = models.TextField(_("reason for confidentiality"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Part of the working draft; a file once submitted stays with its version even when removed from the draft.
    in_draft = models.BooleanField(default=True)
    submitted_in = models.ForeignKey(
        "disclosures.ResponseVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def answer_path(self) -> str:
        return f"attachments/{self.public_id}"
