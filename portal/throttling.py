"""Rate limits per client, for the API and for the expensive public pages and exports.

DRF's throttles, with the client's address from `portal.accounts.net.client_ip` (so a forged
`X-Forwarded-For` buys no fresh allowance) and with rates from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`.
"""

import math
from functools import wraps

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import throttling

from portal.accounts.net import client_ip


class _ClientAddress:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(_ClientAddress, throttling.AnonRateThrottle):
    """Anonymous API clients, per address."""


class UserRateThrottle(_ClientAddress, throttling.UserRateThrottle):
    """Signed-in API clients, per user (anonymous ones per address)."""


class AddressRateThrottle(_ClientAddress, throttling.SimpleRateThrottle):
    """Every visitor of a page, per address, at the rate of `scope`."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled(scope: str):
    """Answer 429 with Retry-After to an address that asks a view more often than the rate of `scope`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = AddressRateThrottle(scope)
            if not throttle.allow_request(request, None):
                seconds = max(1, math.ceil(throttle.wait() or 1))
                response = HttpResponse(
                    _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": seconds},
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(seconds)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
