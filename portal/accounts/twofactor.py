"""Two-factor sign-in: who must have it, and the enrolment and verification steps (django-otp).

Ministry staff and developer submitters must verify a time-based code after their password;
anyone else who enrolled (a responder who opted in) must too, and so must administrators.
Recovery codes are django-otp static tokens: each works once.
"""

import base64
from base64 import b32encode

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import Role, User

TWO_FACTOR_ROLES = frozenset({Role.OFFICIAL, Role.SUPERVISOR, Role.SUBMITTER})
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def requires_two_factor(user: User) -> bool:
    """Whether the user may act only after verifying a second factor."""
    if not user.is_authenticated:
        return False
    if user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser:
        return True
    return user_has_device(user, confirmed=True)


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, created on first visit to the enrolment page."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an authenticator by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """An SVG QR code of the otpauth:// URL, as a data: URI (the CSP allows img-src data:)."""
    # Imported here: qrcode brings Pillow and lxml, which no other page of a web process needs.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def confirm_enrolment(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; return fresh recovery codes, or None if the code is wrong.

    Any earlier authenticator and recovery codes are replaced, so a lost phone cannot still sign in.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(token.replace(" ", "")):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_recovery_codes(user=user)


def replace_recovery_codes(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def unused_recovery_codes(user: User) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def verify_second_factor(*, user: User, token: str):
    """The confirmed device (authenticator or recovery codes) that accepts the code, if any.

    Each device throttles its own failures (django-otp doubles the wait after each one).
    """
    token = token.replace(" ", "").lower()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def mark_verified(request, device) -> None:
    """Record the verified device in the session, under a new session key."""
    otp_login(request, device)
    request.session.cycle_key()
