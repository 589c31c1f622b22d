"""The public, read-only JSON API: the same rows as the public pages, from the same selector."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from disclosures.api import serializers
from disclosures.api.pagination import StableCursorPagination
from disclosures.filters import PublicRequestFilter
from disclosures.selectors import public as selectors


class RequestKeysetPagination(StableCursorPagination):
    """Keyset (cursor) pages of the public requests: each page continues after the last row of the previous
    one, so page 5,000 costs what page 1 costs (an offset would read and skip every row before it)."""

    # The index's `sort` orders the pages by a column; days open changes with the clock, so it keeps
    # the default order here (a cursor over a moving value would skip or repeat rows).
    ordering = ("-issued_at", "-reference")
    SORTS = {"issued": "issued_at", "deadline": "deadline", "reference": "reference", "model": "model_name"}

    def get_ordering(self, request, queryset, view):
        sort = request.query_params.get("sort", "")
        field = self.SORTS.get(sort.lstrip("-"))
        if field is None:
            return self.ordering
        return ("-" if sort.startswith("-") else "") + field, "-reference" if field != "reference" else "-pk"


class SourceKeysetPagination(StableCursorPagination):
    ordering = "-pk"


class PublicRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued requests; filters as on the transparency index (`q`, `developer`, `state`, `sort`, ...).

    Lists are keyset-paginated: follow `next` (a cursor), not a page number.
    """

    permission_classes = [AllowAny]
    pagination_class = RequestKeysetPagination
    authentication_classes: list = []
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublicRequestFilter
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z0-9-]+"

    def get_queryset(self):
        return selectors.public()

    def get_serializer_class(self):
        return (
            serializers.PublicRequestDetailSerializer
            if self.action == "retrieve"
            else serializers.PublicRequestSerializer
        )


class PublicCompanyViewSet(viewsets.GenericViewSet):
    """Figures per AI developer ("comply or explain"), from the summary rows.

    One row per developer named publicly (tens, not millions), sorted by any figure: numbered pages.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = serializers.CompanyFiguresSerializer
    pagination_class = PageNumberPagination
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "sort",
                str,
                description=(
                    "name, received, on_time, late, declined, not_yet_due, no_answer, unanswered, median; "
                    "prefix - to reverse"
                ),
            )
        ],
        responses=serializers.CompanyFiguresSerializer(many=True),
    )
    def list(self, request):
        figures, _sort = selectors.sort_companies(selectors.company_figures(), request.query_params.get("sort", "name"))
        page = self.paginate_queryset(figures)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublicSourceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Publicly declared training sources, newest first; `q` searches names, domains, rights holders,
    licences, companies and models (Japanese-aware). Keyset-paginated: follow `next`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = serializers.DeclaredSourceSerializer
    pagination_class = SourceKeysetPagination
    filter_backends: list = []

    @extend_schema(parameters=[OpenApiParameter("q", str, description="title, domain, rights holder or company")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.search_sources(self.request.query_params.get("q", ""))
