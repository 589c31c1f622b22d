from django.urls import path

from concerns import views

app_name = "concern_triage"
urlpatterns = [
    path("", views.triage_queue, name="queue"),
    path("<uuid:public_id>/", views.triage_detail, name="detail"),
    path("<uuid:public_id>/<slug:action>/", views.triage_action, name="action"),
]
