from django.urls import path

from disclosures.views import versions
from disclosures.views.developer import answers, requests, sheets

app_name = "developer"
urlpatterns = [
    path("", requests.inbox, name="inbox"),
    path("requests/<uuid:public_id>/", requests.request_detail, name="request_detail"),
    # Answers (before the catch-all transition pattern below; fixed names before the section pattern).
    path("requests/<uuid:public_id>/answers/", answers.answers, name="answers"),
    path("requests/<uuid:public_id>/answers/review/", answers.review, name="answer_review"),
    path("requests/<uuid:public_id>/answers/submit/", answers.submit, name="answers_submit"),
    path("requests/<uuid:public_id>/answers/export.json", answers.export, name="answers_export"),
    path("requests/<uuid:public_id>/answers/import/", answers.import_document, name="answers_import"),
    path(
        "requests/<uuid:public_id>/answers/<slug:section>/template.<slug:file_format>",
        sheets.template,
        name="answer_sheet_template",
    ),
    path(
        "requests/<uuid:public_id>/answers/<slug:section>/sheet.<slug:file_format>",
        sheets.export,
        name="answer_sheet_export",
    ),
    path("requests/<uuid:public_id>/answers/<slug:section>/import/", sheets.import_rows, name="answer_sheet_import"),
    path("requests/<uuid:public_id>/answers/<slug:section>/", answers.answer_section, name="answer_section"),
    path("requests/<uuid:public_id>/files/<uuid:attachment_id>/", versions.attachment_download, name="attachment"),
    path(
        "requests/<uuid:public_id>/versions/<int:number>/",
        versions.version_detail,
        name="version",
    ),
    path("requests/<uuid:public_id>/compare/", versions.compare, name="compare"),
    path("requests/<uuid:public_id>/<slug:action>/", requests.request_transition, name="request_transition"),
]
