from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts.models import User
from portal.mail import send_templated_email


def send_invitation(*, user: User) -> None:
    """Email a new user a one-time link to choose their password (the password-reset flow)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_templated_email(
        template="email/invitation",
        to=[user.email],
        language=user.preferred_language,
        context={"user": user, "link": settings.PORTAL_BASE_URL + path},
    )
