"""The API's documentation, served from the portal itself: the schema, Swagger UI and Redoc.

Swagger UI and Redoc come from drf-spectacular-sidecar's static files and start from a static script,
so the page keeps the portal's CSP (scripts from 'self' with a nonce, nothing inline).
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView

from portal.throttling import throttled

schema = SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[])


@throttled("public_page")
def api_docs(request):
    """Swagger UI on a portal page (one <h1>, the portal's layout and language)."""
    return render(request, "public/api_docs.html")


# Redoc lays itself out with styles it writes into <style> elements at run time (styled-components), which
# a nonce cannot reach; on this page only, which shows nothing but the schema, inline styles are allowed.
@csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE], "worker-src": [CSP.SELF, "blob:"]})
@throttled("public_page")
def redoc(request):
    return render(request, "api/redoc.html")


def legacy(request, rest: str):
    """The public API's first address (/api/public/..., /api/schema/, /api/docs/): moved for good to /api/v1/."""
    target = reverse("api:docs").removesuffix("docs/") + rest
    query = request.META.get("QUERY_STRING", "")
    # 308: a client that follows it keeps its method.
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target, preserve_request=True)
