"""Session lifetime, the two-factor gate and the audit of refused access."""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from portal.accounts import twofactor
from portal.accounts.models import MINISTRY_ROLES
from portal.accounts.net import client_ip

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVITY = "last_activity"
# Writing the session on every request costs a database write; a minute's precision is enough.
ACTIVITY_PRECISION = 60


def idle_timeout_for(user) -> int:
    return settings.SESSION_IDLE_TIMEOUT_MINISTRY if user.role in MINISTRY_ROLES else settings.SESSION_IDLE_TIMEOUT


class SessionTimeoutMiddleware:
    """Sign a user out after an idle spell, and in any case some hours after sign-in.

    Pages served to a signed-in user are marked `private, no-store` (unless the view chose otherwise),
    so no shared or browser cache keeps a copy of confidential content.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT)
            last_activity = session.get(LAST_ACTIVITY)
            if signed_in_at is None:
                session[SIGNED_IN_AT] = signed_in_at = now
            expired = now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT or (
                last_activity is not None and now - last_activity > idle_timeout_for(request.user)
            )
            if expired:
                logout(request)
                messages.info(request, _("Your session ended. Please sign in again."))
            elif last_activity is None or now - last_activity >= ACTIVITY_PRECISION:
                session[LAST_ACTIVITY] = now
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


# Pages a signed-in user without a verified second factor may open as themselves.
TWO_FACTOR_EXEMPT_VIEWS = frozenset(
    {
        "two_factor_setup",
        "two_factor_verify",
        "two_factor_recovery_codes",
        "login",
        "logout",
        "set_language",
    }
)
# Where a sign-in lands by default: straight on to the second step rather than the public home page.
TWO_FACTOR_ENTRY_VIEWS = frozenset({"home"})


class TwoFactorRequiredMiddleware:
    """Until they verify a second factor, users who need one act as anonymous visitors.

    They may open the two-factor and sign-out pages as themselves. Any other page is served to them
    as to an anonymous visitor, so public pages stay public whoever adds them; where an anonymous
    visitor would be sent to sign in (or refused), they are sent to the second step instead. The API
    answers 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or not twofactor.requires_two_factor(user):
            return None
        view_name = request.resolver_match.view_name
        if view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if view_name not in TWO_FACTOR_ENTRY_VIEWS:
            response = self._serve_as_anonymous(request, view_func, view_args, view_kwargs)
            if not self._needs_sign_in(response):
                return response
        if request.path.startswith("/api/"):
            from disclosures.api.problems import problem_json

            return problem_json(
                status_code=403,
                kind="second-factor-required",
                title=_("Second factor required"),
                detail=_("Verify your second factor first."),
            )
        target = "two_factor_verify" if twofactor.has_second_factor(user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _serve_as_anonymous(request, view_func, view_args, view_kwargs):
        user = request.user
        request.user = AnonymousUser()
        try:
            response = view_func(request, *view_args, **view_kwargs)
            # Render now, while the request is still anonymous (context processors read request.user).
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response = response.render()
        except (PermissionDenied, Http404):
            # Private pages hide themselves from anonymous visitors; the user may see it once verified.
            return None
        finally:
            request.user = user
        return response

    @staticmethod
    def _needs_sign_in(response) -> bool:
        if response is None or response.status_code in (401, 403, 404):
            return True
        if response.status_code != 302:
            return False
        location = urlsplit(response["Location"]).path
        return location in (resolve_url(settings.LOGIN_URL), reverse("admin:login"))


class AuditDeniedAccessMiddleware:
    """Write an audit line for every refused page: 403 always, 404 for signed-in users (scoped selectors).

    Anonymous 404s are left out: crawlers produce them by the thousand and they reveal nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            record_refusal(request, "access_denied")
        elif isinstance(exception, Http404) and request.user.is_authenticated:
            record_refusal(request, "not_found")
        return None


def record_refusal(request, action: str) -> None:
    from disclosures.services.audit import record_event

    match = getattr(request, "resolver_match", None)
    record_event(
        action=action,
        actor=request.user,
        ip=client_ip(request),
        data={"path": request.path[:500], "method": request.method, "view": match.view_name if match else ""},
    )
