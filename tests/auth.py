"""Signing in from tests: a password session plus a verified second factor, as after the real two steps."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def login(client, user, *, verified: bool = True):
    """`client.force_login(user)`, and (unless `verified=False`) mark the session as two-factor verified.

    Ministry staff and submitters reach nothing but the two-factor pages without the second step, so
    tests use this instead of `force_login`.
    """
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return user
