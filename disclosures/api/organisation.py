"""What both parties of a request read through the API: requests, versions, comparisons, files, records.

Every object comes from the scoped selectors (`requests_visible_to`, `get_request_for`, the answers and
records selectors), so another organisation's object is a 404 exactly as on the pages, and every read of
non-public material writes the same audit event the pages write.
"""

from django.db.models import OuterRef, Subquery
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from disclosures.api import organisation_serializers as s
from disclosures.api.auth import (
    ApiTokenAuthentication,
    SessionAuthentication,
    TokenRateThrottle,
    TokenScopeAllowsMethod,
)
from disclosures.api.pagination import StableCursorPagination
from disclosures.api.parsers import LimitedJSONParser
from disclosures.api.problems import PROBLEM_CONTENT_TYPE, Problem
from disclosures.api.renderers import FILE_RENDERERS, JSON_RENDERERS
from disclosures.models import LogEntry, Record, Variant
from disclosures.records.integrity import verified_copy
from disclosures.selectors import answers as answer_selectors
from disclosures.selectors.records import record_for_download
from disclosures.selectors.requests import get_request_for, requests_visible_to
from disclosures.services.audit import record_event, record_read
from disclosures.views.versions import serve_attachment
from portal.accounts.net import client_ip
from portal.throttling import AnonRateThrottle, UserRateThrottle

# A UUID exactly: anything else under these addresses is a 404, never a value the database refuses.
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def problems(*codes: int) -> dict:
    """The documented error responses of an operation: each a problem details body."""
    described = {
        400: gettext_lazy("The body or a parameter is malformed."),
        401: gettext_lazy("No valid API token or session."),
        403: gettext_lazy("The caller's role or token scope does not allow this."),
        404: gettext_lazy("Not found, or not the caller's organisation's."),
        409: gettext_lazy("The request's state does not allow this."),
        410: gettext_lazy("The stored file failed its integrity check and is not served."),
        412: gettext_lazy("If-Match names an old revision of the draft."),
        413: gettext_lazy("The body is too large."),
        415: gettext_lazy("The body's media type is not accepted."),
        422: gettext_lazy("The content was not accepted; each error names its field by JSON pointer."),
        428: gettext_lazy("If-Match is required."),
        429: gettext_lazy("Too many requests; see Retry-After."),
    }
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(s.ProblemSerializer, description=described[code])
        for code in codes
    }


READ_ERRORS = (401, 403, 404, 429)
PDF_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="The signed PDF.")


class OrganisationSchema(AutoSchema):
    """Operation ids from the route and action ("developer_request_row_put"): unique, and stable for clients."""

    def get_operation_id(self):
        return f"{self.view.basename}_{self.view.action}_{self.method}".replace("-", "_").lower()


class InAudience(permissions.BasePermission):
    """The caller acts in one of the view's roles (developers on /developer/, ministry staff on /ministry/)."""

    message = gettext_lazy("These endpoints are for another kind of organisation.")

    def has_permission(self, request, view) -> bool:
        return request.user.has_role(*view.audience_roles)


class OrganisationRequestViewSet(viewsets.GenericViewSet):
    """Base of the developer and ministry endpoints: one organisation's requests and what hangs off them."""

    audience_roles: frozenset[str] = frozenset()
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, InAudience, TokenScopeAllowsMethod]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, TokenRateThrottle]
    pagination_class = StableCursorPagination
    parser_classes = [LimitedJSONParser]
    renderer_classes = JSON_RENDERERS
    filter_backends: list = []
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    serializer_class = s.OrganisationRequestSerializer
    schema = OrganisationSchema()

    def get_queryset(self):
        return requests_visible_to(self.request.user).prefetch_related("questions")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.OrganisationRequestDetailSerializer
        return super().get_serializer_class()

    def disclosure(self):
        return get_request_for(self.request.user, self.kwargs["public_id"])

    def _page(self, queryset, serializer_class, *, ordering):
        paginator = self.paginator
        paginator.ordering = ordering
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses={200: s.OrganisationRequestSerializer(many=True), **problems(*READ_ERRORS)})
    def list(self, request):
        return self._page(self.get_queryset(), s.OrganisationRequestSerializer, ordering=("-created_at", "-id"))

    @extend_schema(responses={200: s.OrganisationRequestDetailSerializer, **problems(*READ_ERRORS)})
    def retrieve(self, request, public_id=None):
        return Response(s.OrganisationRequestDetailSerializer(self.disclosure()).data)

    @extend_schema(responses={200: s.VersionSerializer(many=True), **problems(*READ_ERRORS)})
    @action(detail=True, methods=["get"], url_path="versions", url_name="versions")
    def versions(self, request, public_id=None):
        return self._page(answer_selectors.versions_of(self.disclosure()), s.VersionSerializer, ordering=("number",))

    @extend_schema(responses={200: s.VersionDetailSerializer, **problems(*READ_ERRORS)})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,6})", url_name="version")
    def version(self, request, public_id=None, number=None):
        disclosure = self.disclosure()
        version = answer_selectors.get_version(disclosure, int(number))
        record_read(http_request=request, disclosure=disclosure, what="answers", data={"version": version.number})
        return Response(s.VersionDetailSerializer(version).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("a", int, required=True, description="The older version's number."),
            OpenApiParameter("b", int, required=True, description="The newer version's number."),
        ],
        responses={200: s.ComparisonSerializer, **problems(400, *READ_ERRORS)},
    )
    @action(detail=True, methods=["get"], url_path="compare", url_name="compare")
    def compare(self, request, public_id=None):
        """Two versions side by side, with the same rows and labels as the comparison page."""
        disclosure = self.disclosure()
        numbers = []
        for name in ("a", "b"):
            value = request.query_params.get(name, "")
            if not value.isdigit() or len(value) > 6:
                raise Problem(
                    status_code=400,
                    kind="invalid-request",
                    title=_("The request is not valid"),
                    detail=_("Give two version numbers as a and b."),
                    errors=[{"pointer": f"/query/{name}", "detail": _("A version number is needed.")}],
                )
            numbers.append(int(value))
        old, new = (answer_selectors.get_version(disclosure, n) for n in numbers)
        rows = answer_selectors.compare(old, new)
        record_read(http_request=request, disclosure=disclosure, what="comparison", data={"versions": numbers})
        data = {"a": numbers[0], "b": numbers[1], "changed": sum(1 for r in rows if r.changed), "rows": rows}
        return Response(s.ComparisonSerializer(data).data)

    @extend_schema(
        # The file's own type: PDF, CSV, PNG or JPEG.
        responses={(200, "*/*"): OpenApiTypes.BINARY, **problems(*READ_ERRORS)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"attachments/(?P<attachment_id>{UUID_PATTERN})/file",
        url_name="attachment-file",
        renderer_classes=FILE_RENDERERS,
    )
    def attachment_file(self, request, public_id=None, attachment_id=None):
        """A file: the developer's own, or for the ministry one that was submitted."""
        disclosure = self.disclosure()
        attachment = answer_selectors.get_attachment_for(request.user, disclosure, attachment_id)
        return serve_attachment(request, disclosure, attachment)

    @extend_schema(responses={200: s.RecordSerializer(many=True), **problems(*READ_ERRORS)})
    @action(detail=True, methods=["get"], url_path="records", url_name="records")
    def records(self, request, public_id=None):
        """The request's signed records, complete and public, with their log index once logged."""
        disclosure = self.disclosure()
        records = Record.objects.filter(request=disclosure).annotate(
            log_index=Subquery(LogEntry.objects.filter(record=OuterRef("pk")).values("index")[:1])
        )
        return self._page(records, s.RecordSerializer, ordering=("created_at", "id"))

    @extend_schema(responses={(200, "application/pdf"): PDF_RESPONSE, **problems(410, *READ_ERRORS)})
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"records/(?P<record_id>{UUID_PATTERN})/file",
        url_name="record-file",
        renderer_classes=FILE_RENDERERS,
    )
    def record_file(self, request, public_id=None, record_id=None):
        """The signed PDF, served only if its stored bytes still match its SHA-256 (410 otherwise)."""
        disclosure = self.disclosure()
        record = record_for_download(request.user, record_id)
        if record.request_id != disclosure.pk:
            raise Problem(status_code=404, kind="not-found", title=_("Not found"))
        if record.variant != Variant.PUBLIC:
            record_read(
                http_request=request, disclosure=disclosure, what="record", data={"record": str(record.public_id)}
            )
        checked = verified_copy(record)
        if checked is None:
            record_event(
                action="record_integrity_failed",
                actor=request.user,
                request=disclosure,
                ip=client_ip(request),
                data={"record": str(record.public_id), "file": record.file.name},
            )
            raise Problem(
                status_code=410,
                kind="record-integrity-failed",
                title=_("The record failed its integrity check"),
                detail=_("The stored file is missing or is not the one that was signed and logged."),
            )
        response = FileResponse(checked, content_type="application/pdf", as_attachment=True, filename=record.filename)
        response["Cache-Control"] = "private, no-store"
        return response
