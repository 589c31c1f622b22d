"""The portal's URLs plus `/bench/bare/`, a view that does nothing: what every request costs before a view
runs (each middleware of the portal's settings still runs around it). Only `bench/throughput.py` loads it."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler404  # noqa: F401 (the same 404 handler)
from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
