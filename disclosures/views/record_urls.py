from django.urls import include, path

from disclosures.views import records
from disclosures.views.public import verify

urlpatterns = [
    path("verify/", verify.verify, name="verify"),
    path("", include("disclosures.views.public.log_urls")),
    path("records/<uuid:public_id>.pdf", records.download, name="record_download"),
    path("records/jobs/<uuid:public_id>/retry/", records.retry, name="record_retry"),
]
