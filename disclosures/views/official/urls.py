from django.urls import path

from disclosures.views import versions
from disclosures.views.official import audit, publication, requests, review

app_name = "official"
urlpatterns = [
    path("", requests.dashboard, name="dashboard"),
    path("audit/", audit.audit_trail, name="audit"),
    path("publication/", publication.queue, name="publication_queue"),
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/<uuid:public_id>/", requests.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/edit/", requests.request_edit, name="request_edit"),
    # Review of submitted answers (before the catch-all transition pattern below).
    path("requests/<uuid:public_id>/review/", review.review, name="review"),
    path("requests/<uuid:public_id>/review/decide/", review.decide, name="review_decide"),
    path("requests/<uuid:public_id>/review/clarify/", review.clarify, name="review_clarify"),
    path("requests/<uuid:public_id>/files/<uuid:attachment_id>/", versions.attachment_download, name="attachment"),
    path(
        "requests/<uuid:public_id>/versions/<int:number>/",
        versions.version_detail,
        name="version",
    ),
    path("requests/<uuid:public_id>/compare/", versions.compare, name="compare"),
    path("requests/<uuid:public_id>/<slug:action>/", requests.request_transition, name="request_transition"),
]
