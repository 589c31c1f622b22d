from django.urls import path

from disclosures.views.official import requests

app_name = "official"
urlpatterns = [
    path("", requests.dashboard, name="dashboard"),
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/<uuid:public_id>/", requests.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<uuid:public_id>/<slug:action>/", requests.request_transition, name="request_transition"),
]
