"""The public, read-only JSON API: the same rows as the public pages, from the same selector."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from disclosures.api import serializers
from disclosures.filters import PublicRequestFilter
from disclosures.selectors import public as selectors


class PublicRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Issued requests; filters as on the transparency index (`q`, `developer`, `state`, `sort`, ...)."""

    permission_classes = [AllowAny]
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
    """Figures per AI developer ("comply or explain"), paginated like every list of the API."""

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
                description="name, received, on_time, late, declined, unanswered, median; prefix - to reverse",
            )
        ],
        responses=serializers.CompanyFiguresSerializer(many=True),
    )
    def list(self, request):
        figures, _sort = selectors.sort_companies(selectors.company_figures(), request.query_params.get("sort", "name"))
        page = self.paginate_queryset(figures)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublicSourceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Publicly declared training sources; `q` searches names, domains, rights holders, licences and companies."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = serializers.DeclaredSourceSerializer
    filter_backends: list = []

    @extend_schema(parameters=[OpenApiParameter("q", str, description="title, domain, rights holder or company")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.search_sources(self.request.query_params.get("q", ""))
