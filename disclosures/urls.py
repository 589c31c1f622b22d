from django.urls import include, path

from disclosures.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("official/", include("disclosures.views.official.urls")),
    path("developer/", include("disclosures.views.developer.urls")),
]
