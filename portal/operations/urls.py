from django.urls import path

from portal.operations import views

app_name = "operator"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("record-jobs/<uuid:public_id>/retry/", views.retry, name="record_job_retry"),
]
