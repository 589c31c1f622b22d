"""Per-view cache of public pages, keyed by the path, the parameters the page reads, the language and the
public data version.

Only the page body is cached: the layout around it (navigation, the language form with its CSRF token)
is rendered for each visitor. Every state change bumps the version (services.publication), so a cached
body is never older than the data it shows. Parameters a page does not read are dropped before the page
is built, so junk in the query string neither creates cache entries nor reaches the page.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
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
    version = cache.get(PUBLIC_VERSION_KEY, 0)
    url = hashlib.sha256(f"{request.path}?{request.GET.urlencode()}".encode()).hexdigest()
    return f"public-page:{version}:{get_language()}:{url}"


def render_public(request, template: str, build: Callable[[], dict], *, params: Iterable[str] = (), status: int = 200):
    """Render `template` (a body fragment whose context sets `title`) inside the layout, from cache if fresh.

    `params` names the query parameters the page reads; the others are dropped before `build` runs.
    """
    request.GET = known_parameters(request.GET, params)
    key = page_cache_key(request)
    page = cache.get(key)
    if page is None:
        context = build()
        page = {
            "title": str(context.get("title", "")),
            "body": render_to_string(template, context, request=request),
            # A page may refuse its parameters (400, with the form's errors); the refusal is cached too.
            "status": context.get("status", status),
        }
        cache.set(key, page, PUBLIC_PAGE_TIMEOUT)
    return render(request, "public/page.html", page, status=page["status"])
