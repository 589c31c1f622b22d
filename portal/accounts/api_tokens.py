"""API tokens: who may hold one, making and revoking them, and the user a presented token acts as.

A token is a high-entropy secret shown once; only its SHA-256 is stored. It acts for its creator's
organisation with its creator's role, re-read on every use, so a token never outlives the person's
membership, role or account (docs/decisions.md, "API tokens").
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import ApiToken, Role, User

# Read-and-write tokens for the developer endpoints; read-only tokens for the ministry endpoints.
TOKEN_ROLES: dict[str, frozenset[str]] = {
    Role.SUBMITTER: frozenset({ApiToken.Scope.READ, ApiToken.Scope.READ_WRITE}),
    Role.OFFICIAL: frozenset({ApiToken.Scope.READ}),
    Role.SUPERVISOR: frozenset({ApiToken.Scope.READ}),
}
# Counted in days of Japan time: a token chosen to expire a year from today lasts until that day ends.
MAX_LIFETIME = timedelta(days=365)
# "a16_" tells a leaked token apart in logs and secret scanners; 32 random bytes make it unguessable.
TOKEN_MARK = "a16_"  # noqa: S105 (a public marker, not a secret)
PREFIX_LENGTH = len(TOKEN_MARK) + 8
MAX_TOKENS_PER_USER = 20


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_tokens(user: User) -> bool:
    """Submitters (the design's role that holds API tokens) and ministry staff (read only)."""
    return user.is_authenticated and user.is_active and user.role in TOKEN_ROLES and user.organisation is not None


def scopes_for(user: User) -> frozenset[str]:
    return TOKEN_ROLES.get(user.role, frozenset()) if may_hold_tokens(user) else frozenset()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str


def _expiry(expires_on: date) -> datetime:
    """The end of the chosen day in the portal's time zone (Japan)."""
    return timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59)))


@transaction.atomic
def create_api_token(
    *, user: User, name: str, scope: str, expires_on: date, second_factor_verified: bool, ip: str | None = None
) -> NewToken:
    """Make a token for `user`'s organisation; the secret is returned here and never again.

    Creating one needs a second factor verified in the current session: a token is a standing
    credential, and a stolen password alone must not be able to mint one.
    """
    from disclosures.services.audit import record_event

    if not may_hold_tokens(user):
        raise PermissionDenied(_("Your role may not hold API tokens."))
    if not second_factor_verified:
        raise PermissionDenied(_("Verify your second factor before creating an API token."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the token a name."))
    if scope not in scopes_for(user):
        errors.setdefault("scope", []).append(_("Your role may not hold a token of this scope."))
    now = timezone.now()
    expires_at = _expiry(expires_on) if isinstance(expires_on, date) else None
    if expires_at is None or expires_on <= timezone.localdate(now):
        errors.setdefault("expires_on", []).append(_("Choose an expiry date after today."))
    elif expires_on > timezone.localdate(now) + MAX_LIFETIME:
        errors.setdefault("expires_on", []).append(_("A token may last one year at most."))
    live = ApiToken.objects.filter(user=user, revoked_at=None, expires_at__gt=now).count()
    if live >= MAX_TOKENS_PER_USER:
        errors.setdefault("name", []).append(_("You have %(count)s tokens in use; revoke one first.") % {"count": live})
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organisation=user.organisation,
        name=name[:100],
        prefix=secret[:PREFIX_LENGTH],
        digest=digest(secret),
        scope=scope,
        expires_at=expires_at,
    )
    record_event(
        action="api_token_created",
        actor=user,
        ip=ip,
        data={"token": token.prefix, "scope": scope, "expires_at": expires_at.isoformat()},
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User, ip: str | None = None) -> ApiToken:
    """Revoke one of `by`'s own tokens (at once: the next call with it is refused)."""
    from disclosures.services.audit import record_event

    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(action="api_token_revoked", actor=by, ip=ip, data={"token": token.prefix})
    return token


def tokens_of(user: User):
    """The user's tokens, newest first, for their token page."""
    return ApiToken.objects.filter(user=user)


class TokenRefused(Exception):
    """The presented token does not (or no longer) authenticate; `reason` says why, for the problem detail."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_user(secret: str) -> tuple[User, ApiToken]:
    """The user a presented secret acts as, or `TokenRefused`.

    The creator's account, membership and role are read now: a deactivated person, one who left the
    organisation or one whose role may no longer hold this token's scope makes the token useless.
    """
    token = (
        ApiToken.objects.select_related("user__membership__organisation").filter(digest=digest(secret)).first()
        if secret.startswith(TOKEN_MARK)
        else None
    )
    if token is None:
        raise TokenRefused(_("The API token is not valid."))
    if token.revoked_at is not None:
        raise TokenRefused(_("The API token was revoked."))
    if token.expires_at <= timezone.now():
        raise TokenRefused(_("The API token has expired."))
    user = token.user
    if not user.is_active or user.organisation is None or user.organisation.pk != token.organisation_id:
        raise TokenRefused(_("The API token's owner no longer acts for its organisation."))
    if token.scope not in scopes_for(user):
        raise TokenRefused(_("The API token's owner no longer has a role that may use it."))
    return user, token


def note_use(*, token: ApiToken, ip: str | None) -> None:
    """Keep when and from where the token was last used (one UPDATE, no read-modify-write race)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
    token.last_used_at, token.last_used_ip = now, ip
