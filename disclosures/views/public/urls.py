from django.urls import path

from disclosures.feeds import PublicDecisionsFeed
from disclosures.views.public import exports, pages

app_name = "public"
urlpatterns = [
    path("requests/", pages.request_index, name="index"),
    path("requests/<str:reference>/", pages.request_detail, name="request_detail"),
    path("companies/", pages.company_list, name="companies"),
    path("companies/<slug:slug>/", pages.company_detail, name="company_detail"),
    path("sources/", pages.source_search, name="sources"),
    path("statistics/", pages.statistics, name="statistics"),
    path("open-data/", pages.open_data, name="open_data"),
    path("open-data/requests.csv", exports.requests_csv, name="requests_csv"),
    path("open-data/sources.csv", exports.sources_csv, name="sources_csv"),
    path("open-data/feed.atom", PublicDecisionsFeed(), name="feed"),
]
