"""Per-view cache of public pages, keyed by the full URL, the language and the public data version.

Only the page body is cached: the layout around it (navigation, the language form with its CSRF token)
is rendered for each visitor. Every state change bumps the version (services.publication), so a cached
body is never older than the data it shows.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from disclosures.services.publication import PUBLIC_VERSION_KEY

PUBLIC_PAGE_TIMEOUT = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 300)


def page_cache_key(request) -> str:
    version = cache.get(PUBLIC_VERSION_KEY, 0)
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-page:{version}:{get_language()}:{url}"


def render_public(request, template: str, build: Callable[[], dict], *, status: int = 200):
    """Render `template` (a body fragment whose context sets `title`) inside the layout, from cache if fresh."""
    key = page_cache_key(request)
    page = cache.get(key)
    if page is None:
        context = build()
        page = {"title": str(context.get("title", "")), "body": render_to_string(template, context, request=request)}
        cache.set(key, page, PUBLIC_PAGE_TIMEOUT)
    return render(request, "public/page.html", page, status=status)
