from django.urls import path

from disclosures.views.developer import requests

app_name = "developer"
urlpatterns = [
    path("", requests.inbox, name="inbox"),
    path("requests/<uuid:public_id>/", requests.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/<slug:action>/", requests.request_transition, name="request_transition"),
]
