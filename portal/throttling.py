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
from portal.cache import count_in_window


class _ClientAddress:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(_ClientAddress, throttling.AnonRateThrottle):
    """Anonymous API clients, per address."""


class UserRateThrottle(_ClientAddress, throttling.UserRateThrottle):
    """Signed-in API clients, per user (anonymous ones per address)."""


class AddressRateThrottle(_ClientAddress, throttling.SimpleRateThrottle):
    """Every visitor of a page, per address, at the rate of `scope`: a counter per address and period of
    the rate (a minute), which costs one cache round trip where DRF's history of times costs two.

    Served from cache, a page costs about a millisecond, and the throttle's round trips were half of it.
    A fixed period lets an address make up to twice the rate across the turn of a minute; that is no
    burden on pages this cheap, and the limit still holds per address, minute after minute.
    """

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view=None) -> bool:
        now = self.timer()
        period = int(now // self.duration)
        self.retry_after = (period + 1) * self.duration - now
        key = f"{self.get_cache_key(request, view)}_{period}"
        return count_in_window(key, self.duration) <= self.num_requests

    def wait(self) -> float:
        return self.retry_after


def throttled(scope: str):
    """Answer 429 with Retry-After to an address that asks a view more often than the rate of `scope`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = AddressRateThrottle(scope)
            if not throttle.allow_request(request):
                seconds = max(1, math.ceil(throttle.wait()))
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
