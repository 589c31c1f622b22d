from django.urls import path

from disclosures.views import records
from disclosures.views.public import log, verify

urlpatterns = [
    path("verify/", verify.verify, name="verify"),
    path("log/head.json", log.head, name="log_head"),
    path("log/entries/<int:index>.json", log.entry, name="log_entry"),
    path("records/<uuid:public_id>.pdf", records.download, name="record_download"),
    path("records/jobs/<uuid:public_id>/retry/", records.retry, name="record_retry"),
]
