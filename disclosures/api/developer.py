"""The developer endpoints: a company's system answers a request through the same services as the forms.

Every write calls a service of `disclosures/services/` (save_draft, import_answers, add_attachment,
remove_attachment, acknowledge_request, submit_response, decline_request); the views only parse, check
the body's shape against the answer schema and the draft's revision (If-Match), and shape the answer.
"""

import copy

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import parsers
from rest_framework.decorators import action
from rest_framework.response import Response

from disclosures.api import answer_schema
from disclosures.api import organisation_serializers as s
from disclosures.api.concurrency import etag_for, revision_from_if_match, stale
from disclosures.api.organisation import READ_ERRORS, UUID_PATTERN, OrganisationRequestViewSet, problems
from disclosures.api.parsers import LimitedJSONParser, body_too_large
from disclosures.api.problems import Problem, pointer
from disclosures.models import DisclosureRequest, ResponseDraft
from disclosures.selectors import answers as answer_selectors
from disclosures.services import requests as lifecycle
from disclosures.services import responses
from disclosures.states import AWAITING_DEVELOPER, DEVELOPER
from portal.accounts.net import client_ip

ROW_ID_PATTERN = r"[A-Za-z0-9_-]{1,40}"
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 413, 422, 428, 429)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the draft the change is based on, e.g. "draft-3".',
)
ETAG_HEADER = {"ETag": {"description": "The draft's revision as an ETag.", "schema": {"type": "string"}}}
SECTION = OpenApiParameter(
    "section", str, location=OpenApiParameter.PATH, enum=answer_schema.section_names(), description="A section asked."
)
SOURCE_EXAMPLE = OpenApiExample(
    "A source row",
    value={
        "tier": "public",
        "reason": "",
        "name": "Common Crawl 2024-10",
        "kind": "web_crawl",
        "modality": "text",
        "top_domains": ["example.jp"],
        "languages": ["ja", "en"],
        "consent_basis": "opt_out",
        "reservations_honoured": ["robots_txt"],
    },
    request_only=True,
)


def _content(row: dict) -> bool:
    return any(v not in (None, "", [], False) for k, v in row.items() if k not in ("row_id", "tier", "reason"))


def _draft_response(draft: ResponseDraft, status: int = 200) -> Response:
    return Response(s.DraftSerializer(draft).data, status=status, headers={"ETag": etag_for(draft)})


class DeveloperRequestViewSet(OrganisationRequestViewSet):
    """The company's issued requests: read them, answer them, submit or decline."""

    audience_roles = DEVELOPER

    # ------------------------------------------------------------------ helpers

    def _editable(self) -> DisclosureRequest:
        disclosure = self.disclosure()
        if disclosure.state not in AWAITING_DEVELOPER:
            raise Problem(
                status_code=409,
                kind="not-awaiting-answer",
                title=_("Not possible in the request's current state"),
                detail=_("The answer can be changed only while the request awaits it (it is %(state)s).")
                % {"state": disclosure.get_state_display()},
            )
        return disclosure

    def _save(self, disclosure: DisclosureRequest, document: dict, revision: int) -> ResponseDraft:
        try:
            return responses.save_draft(request=disclosure, by=self.request.user, answers=document, revision=revision)
        except responses.DraftConflict as conflict:
            raise stale(conflict.draft) from None

    @staticmethod
    def _check_shape(value, schema: dict, at: tuple) -> None:
        errors = answer_schema.shape_errors(value, schema, at=at)
        if errors:
            raise Problem(
                status_code=422,
                kind="invalid-answer",
                title=_("The input was not accepted"),
                detail=_("The body does not fit the answer schema; nothing was saved."),
                errors=errors,
            )

    def _asked(self, disclosure: DisclosureRequest, section: str) -> None:
        if section not in disclosure.sections or section not in answer_schema.section_names():
            raise Problem(
                status_code=404,
                kind="not-found",
                title=_("Not found"),
                detail=_("This request does not ask this section."),
            )

    # ------------------------------------------------------------------ transitions

    @extend_schema(request=None, responses={200: s.OrganisationRequestDetailSerializer, **problems(*WRITE_ERRORS)})
    @action(detail=True, methods=["post"], url_path="acknowledge", url_name="acknowledge")
    def acknowledge(self, request, public_id=None):
        disclosure = lifecycle.acknowledge_request(request=self.disclosure(), by=request.user, ip=client_ip(request))
        return Response(s.OrganisationRequestDetailSerializer(disclosure).data)

    @extend_schema(
        request=s.DeclineSerializer,
        responses={200: s.OrganisationRequestDetailSerializer, **problems(*WRITE_ERRORS)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="decline",
        url_name="decline",
        parser_classes=[LimitedJSONParser, parsers.FormParser, parsers.MultiPartParser],
    )
    def decline(self, request, public_id=None):
        disclosure = self.disclosure()
        body = s.DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        disclosure = lifecycle.decline_request(
            request=disclosure, by=request.user, reasons=body.validated_data["reasons"], ip=client_ip(request)
        )
        return Response(s.OrganisationRequestDetailSerializer(disclosure).data)

    @extend_schema(
        request=None,
        parameters=[IF_MATCH],
        responses={200: s.OrganisationRequestDetailSerializer, **problems(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="submit", url_name="submit")
    def submit(self, request, public_id=None):
        """Freeze the draft the caller last read (If-Match) as the next version, or list what is missing (422)."""
        disclosure = self._editable()
        with transaction.atomic():
            # The same lock order as submit_response (request, then draft), so the two never deadlock.
            DisclosureRequest.objects.select_for_update().get(pk=disclosure.pk)
            draft = ResponseDraft.objects.select_for_update().get(pk=responses.draft_for(disclosure).pk)
            revision_from_if_match(request, draft)
            disclosure = lifecycle.submit_response(request=disclosure, by=request.user, ip=client_ip(request))
        return Response(s.OrganisationRequestDetailSerializer(disclosure).data)

    # ------------------------------------------------------------------ the draft

    @extend_schema(responses={200: s.DraftSerializer, **problems(*READ_ERRORS)})
    @action(detail=True, methods=["get"], url_path="draft", url_name="draft")
    def draft(self, request, public_id=None):
        """The working draft with its revision; its ETag goes into If-Match of the next write."""
        return _draft_response(responses.draft_for(self.disclosure()))

    @extend_schema(
        parameters=[SECTION, IF_MATCH],
        request={"application/json": {"oneOf": [answer_schema.section_ref(n) for n in answer_schema.section_names()]}},
        responses={200: s.DraftSerializer, **problems(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["put"], url_path=r"draft/sections/(?P<section>[a-z_]{1,40})", url_name="section")
    def section(self, request, public_id=None, section=None):
        """Replace one section (a block, or the whole list of rows) of the draft."""
        disclosure = self._editable()
        self._asked(disclosure, section)
        draft = responses.draft_for(disclosure)
        revision = revision_from_if_match(request, draft)
        self._check_shape(request.data, answer_schema.section_schema(section), (section,))
        document = copy.deepcopy(draft.answers)
        document[section] = request.data
        return _draft_response(self._save(disclosure, document, revision))

    def _rows(self, document: dict, section: str) -> list:
        key = answer_schema.ROW_LISTS[section]
        if key is None:
            rows = document.get(section)
            if not isinstance(rows, list):
                rows = document[section] = []
            return rows
        block = document.get(section)
        if not isinstance(block, dict):
            block = document[section] = {"tier": "public"}
        rows = block.get(key)
        if not isinstance(rows, list):
            rows = block[key] = []
        return rows

    def _row_section(self, disclosure: DisclosureRequest, section: str) -> None:
        self._asked(disclosure, section)
        if section not in answer_schema.ROW_LISTS:
            raise Problem(
                status_code=404, kind="not-found", title=_("Not found"), detail=_("This section has no rows.")
            )

    @extend_schema(
        parameters=[
            OpenApiParameter("section", str, location=OpenApiParameter.PATH, enum=list(answer_schema.ROW_LISTS)),
            OpenApiParameter("row_id", str, location=OpenApiParameter.PATH, pattern=ROW_ID_PATTERN),
            IF_MATCH,
        ],
        request={"application/json": {"oneOf": [answer_schema.row_ref(name) for name in answer_schema.ROW_LISTS]}},
        examples=[SOURCE_EXAMPLE],
        responses={200: s.DraftSerializer, **problems(*WRITE_ERRORS)},
        methods=["PUT"],
    )
    @extend_schema(
        parameters=[
            OpenApiParameter("section", str, location=OpenApiParameter.PATH, enum=list(answer_schema.ROW_LISTS)),
            OpenApiParameter("row_id", str, location=OpenApiParameter.PATH, pattern=ROW_ID_PATTERN),
            IF_MATCH,
        ],
        request=None,
        responses={200: s.DraftSerializer, **problems(*WRITE_ERRORS)},
        methods=["DELETE"],
    )
    @action(
        detail=True,
        methods=["put", "delete"],
        url_path=rf"draft/sections/(?P<section>[a-z_]{{1,40}})/rows/(?P<row_id>{ROW_ID_PATTERN})",
        url_name="row",
    )
    def row(self, request, public_id=None, section=None, row_id=None):
        """Replace (or add, under this id) one row of a section, or remove it; the other rows stay as they are."""
        disclosure = self._editable()
        self._row_section(disclosure, section)
        draft = responses.draft_for(disclosure)
        revision = revision_from_if_match(request, draft)
        document = copy.deepcopy(draft.answers)
        rows = self._rows(document, section)
        index = next((i for i, r in enumerate(rows) if isinstance(r, dict) and r.get("row_id") == row_id), None)
        key = answer_schema.ROW_LISTS[section]
        at = (section, key) if key else (section,)
        if request.method == "DELETE":
            if index is None:
                raise Problem(status_code=404, kind="not-found", title=_("Not found"), detail=_("No row has this id."))
            del rows[index]
            return _draft_response(self._save(disclosure, document, revision))
        row = request.data
        position = index if index is not None else len(rows)
        self._check_shape(row, answer_schema.row_schema(section), (*at, position))
        if row.get("row_id", row_id) != row_id:
            raise Problem(
                status_code=422,
                kind="invalid-answer",
                title=_("The input was not accepted"),
                detail=_("The row's row_id differs from the one in the address."),
                errors=[{"pointer": pointer(*at, position, "row_id"), "detail": _("Must be %(id)s.") % {"id": row_id}}],
            )
        if not _content(row):
            raise Problem(
                status_code=422,
                kind="invalid-answer",
                title=_("The input was not accepted"),
                detail=_("A row needs at least one answer besides its confidentiality."),
                errors=[{"pointer": pointer(*at, position), "detail": _("The row is empty.")}],
            )
        row = {**row, "row_id": row_id}
        if index is None:
            rows.append(row)
        else:
            rows[index] = row
        return _draft_response(self._save(disclosure, document, revision))

    @extend_schema(
        parameters=[OpenApiParameter("position", int, location=OpenApiParameter.PATH), IF_MATCH],
        request={"application/json": answer_schema.question_schema()},
        responses={200: s.DraftSerializer, **problems(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["put"], url_path=r"draft/questions/(?P<position>[0-9]{1,4})", url_name="question")
    def question(self, request, public_id=None, position=None):
        """Answer one of the request's free questions."""
        disclosure = self._editable()
        if not disclosure.questions.filter(position=int(position)).exists():
            raise Problem(status_code=404, kind="not-found", title=_("Not found"), detail=_("No such question."))
        draft = responses.draft_for(disclosure)
        revision = revision_from_if_match(request, draft)
        key = str(int(position))
        self._check_shape(request.data, answer_schema.question_schema(), ("questions", key))
        document = copy.deepcopy(draft.answers)
        questions = document.get("questions") if isinstance(document.get("questions"), dict) else {}
        document["questions"] = {**questions, key: request.data}
        return _draft_response(self._save(disclosure, document, revision))

    def _import(self, request, service, field: str):
        disclosure = self._editable()
        draft = responses.draft_for(disclosure)
        revision = revision_from_if_match(request, draft)
        # The body is read only now: who may import, and on which revision, is decided first.
        try:
            result = service(request=disclosure, by=request.user, revision=revision, **{field: request.data})
        except responses.DraftConflict as conflict:
            raise stale(conflict.draft) from None
        body = {"draft": s.DraftSerializer(result.draft).data, "reported": [str(r) for r in result.reported]}
        return Response(body, headers={"ETag": etag_for(result.draft)})

    @extend_schema(
        parameters=[IF_MATCH],
        request={"application/json": {"$ref": answer_schema.COMPONENT}},
        responses={200: s.ImportResultSerializer, **problems(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="draft/import", url_name="import")
    def import_document(self, request, public_id=None):
        """Pre-fill the draft from a whole answer document; what does not fit is reported, not saved."""
        return self._import(request, responses.import_answers, "document")

    @extend_schema(
        parameters=[IF_MATCH],
        request={"application/json": {"$ref": answer_schema.EU_COMPONENT}},
        responses={200: s.ImportResultSerializer, **problems(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="draft/import-eu-summary", url_name="import-eu-summary")
    def import_eu_summary(self, request, public_id=None):
        """Pre-fill the draft from the EU AI Act "public summary of training content" where the fields overlap."""
        return self._import(request, responses.import_eu_summary, "summary")

    # ------------------------------------------------------------------ attachments

    @extend_schema(methods=["GET"], responses={200: s.AttachmentSerializer(many=True), **problems(*READ_ERRORS)})
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, **problems(*WRITE_ERRORS, 415)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="attachments",
        url_name="attachments",
        parser_classes=[parsers.MultiPartParser],
    )
    def attachments(self, request, public_id=None):
        """The draft's files; POST attaches one (real type, size and SHA-256 checked as on the form)."""
        if request.method == "GET":
            disclosure = self.disclosure()
            return self._page(
                answer_selectors.draft_attachments(disclosure), s.AttachmentSerializer, ordering=("uploaded_at", "id")
            )
        disclosure = self._editable()
        limit = settings.ATTACHMENT_MAX_BYTES + 64 * 1024
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > limit:
            raise body_too_large(limit)
        body = s.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        attachment = responses.add_attachment(
            request=disclosure,
            by=request.user,
            upload=data["file"],
            description=data["description"],
            tier=data["tier"],
            reason=data["reason"],
        )
        return Response(s.AttachmentSerializer(attachment).data, status=201)

    @extend_schema(request=None, responses={204: None, **problems(*WRITE_ERRORS)})
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"attachments/(?P<attachment_id>{UUID_PATTERN})",
        url_name="attachment",
    )
    def attachment(self, request, public_id=None, attachment_id=None):
        """Take a file out of the draft (a file already submitted stays with its version)."""
        disclosure = self._editable()
        attachment = answer_selectors.get_attachment_for(request.user, disclosure, attachment_id)
        if not attachment.in_draft:
            raise Problem(
                status_code=404, kind="not-found", title=_("Not found"), detail=_("No such file in the draft.")
            )
        responses.remove_attachment(attachment=attachment, by=request.user)
        return Response(status=204)
