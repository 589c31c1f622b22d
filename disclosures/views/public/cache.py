"""Per-view cache of public pages, keyed by the path, the parameters the page reads and the language, each
entry holding the public data version it was built at.

The body is cached for every visitor, and the whole page for anonymous ones (see `render_public`). Every
state change bumps the version (services.publication), and an entry of another version is built again, so
a cached page is never older than the data it shows. Parameters a page does not read are dropped before
the page is built, so junk in the query string neither creates cache entries nor reaches the page.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from disclosures.services.publication import PUBLIC_VERSION_KEY

PUBLIC_PAGE_TIMEOUT = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 300)


def known_parameters(query: QueryDict, params: Iterable[str]) -> QueryDict:
    """Only the parameters in `params` that carry a value, sorted by name (values keep their order)."""
    known = QueryDict(mutable=True)
    for name in sorted(set(params)):
        values = [value for value in query.getlist(name) if value != ""]
        if values:
            known.setlist(name, values)
    known._mutable = False
    return known


def page_cache_key(request) -> str:
    url = hashlib.sha256(f"{request.path}?{request.GET.urlencode()}".encode()).hexdigest()
    return f"public-page:{get_language()}:{url}"


def _cached_page(key: str) -> tuple[dict | None, int]:
    """The entry under `key` if it was built at the current data version, and that version: one round trip
    to the cache for both (a visitor's page is served in two, the throttle's and this one)."""
    found = cache.get_many([PUBLIC_VERSION_KEY, key])
    version = found.get(PUBLIC_VERSION_KEY, 0)
    page = found.get(key)
    return (page if page is not None and page.get("version") == version else None), version


# Stand-ins for what differs between anonymous visitors of the same page: the layout's CSRF token (its
# forms post the language choice) and the address the language switch returns to.
_TOKEN = "\x00csrf-token\x00"  # noqa: S105 (a placeholder, not a secret)
_PATH = "\x00full-path\x00"


class _PathStandIn:
    """The request as the layout sees it, with `_PATH` for its address."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_full_path(self) -> str:
        return _PATH


def _anonymous_without_messages(request) -> bool:
    # len() does not mark messages as read; iterating them would.
    return not request.user.is_authenticated and not len(get_messages(request))


def render_public(request, template: str, build: Callable[[], dict], *, params: Iterable[str] = (), status: int = 200):
    """Render `template` (a body fragment whose context sets `title`) inside the layout, from cache if fresh.

    `params` names the query parameters the page reads; the others are dropped before `build` runs.

    Anonymous visitors (most of them) see the same layout, so a second entry keeps the whole page as the
    first of them got it, with stand-ins for their CSRF token and address: serving it is two replacements
    instead of rendering the layout (which cost four times what every middleware together costs). Signed-in
    visitors and anyone with a message to read get the layout rendered for them around the cached body.
    Served from cache, a page costs two round trips to the cache: the throttle's counter, then the data
    version with the entry.
    """
    request.GET = known_parameters(request.GET, params)
    anonymous = _anonymous_without_messages(request)
    key = page_cache_key(request)
    # Two entries per page: the whole page for anonymous visitors, the body for the others; each visitor
    # reads only the one they are served from.
    page, version = _cached_page(f"{key}:anonymous" if anonymous else key)
    if page is None:
        context = build()
        body = {
            # The version read before the page was built: a change committed meanwhile bumped it, so
            # this entry is stale to the next reader and built again.
            "version": version,
            "title": str(context.get("title", "")),
            "body": render_to_string(template, context, request=request),
            # A page may refuse its parameters (400, with the form's errors); the refusal is cached too.
            "status": context.get("status", status),
        }
        entries = {key: body}
        page = body
        if anonymous:
            layout = {**body, "csrf_token": _TOKEN, "request": _PathStandIn(request)}
            html = render_to_string("public/page.html", layout, request=request)
            page = entries[f"{key}:anonymous"] = {"version": version, "html": html, "status": body["status"]}
        cache.set_many(entries, PUBLIC_PAGE_TIMEOUT)
    if anonymous:
        html = page["html"].replace(_TOKEN, get_token(request))
        return HttpResponse(html.replace(_PATH, escape(request.get_full_path())), status=page["status"])
    return render(request, "public/page.html", {k: page[k] for k in ("title", "body")}, status=page["status"])
