from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from disclosures.api import views
from disclosures.views.public.pages import api_docs

app_name = "api"

public_router = SimpleRouter()
public_router.register("requests", views.PublicRequestViewSet, basename="public-request")
public_router.register("companies", views.PublicCompanyViewSet, basename="public-company")
public_router.register("sources", views.PublicSourceViewSet, basename="public-source")

urlpatterns = [
    path("public/", include(public_router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"),
    path("docs/", api_docs, name="docs"),
]
