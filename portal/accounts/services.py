import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
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


def _count_within(key: str, limit: int, *, seconds: int) -> bool:
    """Count one more in a fixed window; whether the count is still within `limit`.

    `add` then `incr` are atomic on Redis, so a flood of parallel requests cannot slip past the limit.
    """
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=seconds)
        return True


def may_send_password_reset(*, email: str, ip: str | None) -> bool:
    """Count a password-reset mail asked for `email` from `ip`; False once either is over its hourly limit.

    Counted per entered address whether or not an account has it, so being refused says nothing about
    which addresses have accounts.
    """
    account = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    within_account = _count_within(
        f"password-reset:account:{account}", settings.PASSWORD_RESET_PER_ACCOUNT_PER_HOUR, seconds=3600
    )
    within_address = _count_within(
        f"password-reset:address:{ip or 'unknown'}", settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR, seconds=3600
    )
    return within_account and within_address


def deactivate_user(*, user: User, by: User | None, ip: str | None = None) -> None:
    """Stop a user at once: no sign-in, every open session ended, every API token revoked."""
    from disclosures.services.audit import record_event

    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        ended = end_sessions(user=user)
        revoked = revoke_api_tokens(user=user)
        record_event(
            action="user_deactivated",
            actor=by,
            ip=ip,
            data={"user_id": user.pk, "username": user.username, "sessions_ended": ended, "tokens_revoked": revoked},
        )


def end_sessions(*, user: User) -> int:
    """Delete the user's sessions from the session store; returns how many there were.

    Sessions are not indexed by user, so this reads the live ones (fine for a staff-sized portal).
    It needs a database-backed session engine (the default, and `cached_db`).
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        raise ImproperlyConfigured("Ending a user's sessions needs a database-backed SESSION_ENGINE.")
    model = store.get_model_class()
    keys = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for key in keys:
        # Through the store, so a cached_db engine forgets its cached copy too.
        store(session_key=key).delete()
    return len(keys)


def revoke_api_tokens(*, user: User) -> int:
    """Revoke every live API token the user made; returns how many (deactivation, membership removal).

    Tokens are also refused on use once their creator's account or membership changed
    (`portal.accounts.api_tokens.token_user`); revoking them here makes that permanent and visible.
    """
    from portal.accounts.models import ApiToken

    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def update_account(*, user: User, first_name: str, last_name: str, preferred_language: str) -> User:
    """A person's own details: their name and the language of the portal's pages and emails to them."""
    user.first_name = first_name
    user.last_name = last_name
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "preferred_language"])
    return user
