from django.urls import include, path

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
    path("api/", include("disclosures.api.urls")),
]
