"""How the API knows who calls: API tokens (`Authorization: Bearer a16_…`) or the browser session.

A token acts as its creator, with the role the creator holds now (`portal.accounts.api_tokens.token_user`),
and every call with one is audited. Read-only tokens may not write. Each token has its own rate.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from portal.accounts import api_tokens
from portal.accounts.models import ApiToken
from portal.accounts.net import client_ip

SCHEME = "Bearer"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != SCHEME.lower():
            return None
        secret = secret.strip()
        try:
            user, token = api_tokens.token_user(secret)
        except api_tokens.TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.reason) from None
        ip = client_ip(request)
        api_tokens.note_use(token=token, ip=ip)
        _audit_use(request, user, token, ip)
        return user, token

    def authenticate_header(self, request):
        return f'{SCHEME} realm="api"'


def _audit_use(request, user, token: ApiToken, ip: str | None) -> None:
    """One audit line per call made with a token, as a browser sign-in writes one per session."""
    from disclosures.services.audit import record_event

    match = getattr(request, "resolver_match", None)
    record_event(
        action="api_token_use",
        actor=user,
        ip=ip,
        data={
            "token": token.prefix,
            "method": request.method,
            "path": request.path[:500],
            "view": match.view_name if match else "",
        },
    )


class SessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser (the two-factor middleware has already let only verified users through)."""


class TokenScopeAllowsMethod(permissions.BasePermission):
    """A read-only token reads; a write needs a read-and-write token (a session may write as its user)."""

    message = _("This API token is read-only.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken) or request.method in permissions.SAFE_METHODS:
            return True
        return token.scope == ApiToken.Scope.READ_WRITE


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Calls per token (the creator's per-user rate applies on top)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token made on the account page (/account/tokens/): `Authorization: Bearer a16_…`. "
                "It acts with the role of the person who made it; read-only tokens cannot write."
            ),
        }


class PortalSessionScheme(SessionScheme):
    target_class = SessionAuthentication
