from django.urls import path

from disclosures.views import versions
from disclosures.views.developer import answers, requests

app_name = "developer"
urlpatterns = [
    path("", requests.inbox, name="inbox"),
    path("requests/<uuid:public_id>/", requests.request_detail, name="request_detail"),
    # Answers (before the catch-all transition pattern below).
    path("requests/<uuid:public_id>/answers/", answers.answers, name="answers"),
    path("requests/<uuid:public_id>/answers/submit/", answers.submit, name="answers_submit"),
    path("requests/<uuid:public_id>/answers/export.json", answers.export, name="answers_export"),
    path("requests/<uuid:public_id>/answers/import/", answers.import_document, name="answers_import"),
    path("requests/<uuid:public_id>/files/<uuid:attachment_id>/", versions.attachment_download, name="attachment"),
    path(
        "requests/<uuid:public_id>/versions/<int:number>/",
        versions.version_detail,
        name="version",
    ),
    path("requests/<uuid:public_id>/compare/", versions.compare, name="compare"),
    path("requests/<uuid:public_id>/<slug:action>/", requests.request_transition, name="request_transition"),
]
