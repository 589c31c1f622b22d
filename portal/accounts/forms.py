from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import get_language

from portal.accounts.models import User


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A Japanese name is written family name first; so is the form.
        if (get_language() or "ja").startswith("ja"):
            self.order_fields(["last_name", "first_name", "preferred_language"])


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the link built from PORTAL_BASE_URL, never from the request's Host header."""

    def save(self, **kwargs):
        base = urlsplit(settings.PORTAL_BASE_URL)
        kwargs["domain_override"] = base.netloc
        kwargs["use_https"] = base.scheme == "https"
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "portal_base_url": settings.PORTAL_BASE_URL,
        }
        return super().save(**kwargs)
