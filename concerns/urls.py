from django.urls import path

from concerns import views

app_name = "concerns"
urlpatterns = [
    path("", views.concern_list, name="list"),
    path("new/", views.concern_create, name="create"),
    path("watch/", views.watch_terms, name="watch"),
    path("watch/<uuid:public_id>/remove/", views.watch_term_remove, name="watch_remove"),
    path("<uuid:public_id>/", views.concern_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.concern_edit, name="edit"),
    path("<uuid:public_id>/withdraw/", views.concern_withdraw, name="withdraw"),
    path("<uuid:public_id>/evidence/<uuid:evidence_id>/", views.evidence_download, name="evidence"),
    path("<uuid:public_id>/receipt.pdf", views.receipt_download, name="receipt"),
]
