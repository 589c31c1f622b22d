from django.urls import include, path, re_path

from disclosures.api import docs as api_docs
from disclosures.views import home
from disclosures.views.official import publication

urlpatterns = [
    path("", home.home, name="home"),
    # Before the official routes, whose "<action>/" pattern would otherwise take "publication/".
    path(
        "official/requests/<uuid:public_id>/publication/",
        publication.approve,
        name="approve_publication",
    ),
    path("official/", include("disclosures.views.official.urls")),
    path("developer/", include("disclosures.views.developer.urls")),
    path("", include("disclosures.views.record_urls")),
    path("", include("disclosures.views.public.urls")),
    path("api/v1/", include("disclosures.api.urls")),
    # The public API's first addresses, moved for good under /api/v1/ (docs/decisions.md).
    re_path(r"^api/(?P<rest>(?:public/|schema/|docs/).*)$", api_docs.legacy, name="api_legacy"),
]
