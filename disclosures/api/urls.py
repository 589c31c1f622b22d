from django.urls import include, path
from rest_framework.routers import SimpleRouter

from disclosures.api import developer, docs, ministry, views

app_name = "api"

public_router = SimpleRouter()
public_router.register("requests", views.PublicRequestViewSet, basename="public-request")
public_router.register("companies", views.PublicCompanyViewSet, basename="public-company")
public_router.register("sources", views.PublicSourceViewSet, basename="public-source")

developer_router = SimpleRouter()
developer_router.register("requests", developer.DeveloperRequestViewSet, basename="developer-request")

ministry_router = SimpleRouter()
ministry_router.register("requests", ministry.MinistryRequestViewSet, basename="ministry-request")

urlpatterns = [
    path("public/", include(public_router.urls)),
    path("developer/", include(developer_router.urls)),
    path("ministry/", include(ministry_router.urls)),
    path("schema/", docs.schema, name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("redoc/", docs.redoc, name="redoc"),
]
