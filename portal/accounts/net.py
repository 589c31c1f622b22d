"""The client's address: the one definition the audit log, the throttles and the API share."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the client, as the outermost trusted proxy saw it.

    With `NUM_PROXIES = 0` (the default) that is REMOTE_ADDR, and `X-Forwarded-For` is ignored: anyone can
    send one. With N trusted proxies in front of the portal, each appending the address it received the
    request from, the client is the N-th address from the right of `X-Forwarded-For`; what a client wrote
    further left is never trusted. A value that is not an IP address falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote
