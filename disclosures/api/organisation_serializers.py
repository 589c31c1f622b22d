"""Serializers of the organisation endpoints (developer and ministry): explicit fields only.

They shape what the scoped selectors return; they never decide who sees what.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disclosures.api.serializers import OrganisationRefSerializer
from disclosures.models import Attachment, DisclosureRequest, Record, ResponseDraft, ResponseVersion, Tier
from disclosures.selectors.requests import timeline


@extend_schema_field({"$ref": "#/components/schemas/AnswerDocument"})
class AnswerDocumentField(serializers.JSONField):
    """The answer document (docs/answer-schema.json)."""


class ProblemErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(help_text="JSON pointer (RFC 6901) into the body or the answer document.")
    detail = serializers.CharField()
    label = serializers.CharField(required=False)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, in the language asked for with Accept-Language (ja or en)."""

    type = serializers.CharField(
        help_text="A URN naming the kind of problem, e.g. urn:article16:problem:stale-revision"
    )
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)
    revision = serializers.IntegerField(required=False, help_text="The draft's current revision (409, 412).")
    etag = serializers.CharField(required=False, help_text="The draft's current ETag (409, 412).")


class QuestionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    text = serializers.CharField()
    guidance = serializers.CharField()


class TimelineEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField(source="action_label")
    at = serializers.DateTimeField(source="created_at")
    organisation = serializers.SerializerMethodField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    message = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)

    def get_organisation(self, event) -> str:
        return event.organisation.name if event.organisation else ""


class OrganisationRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    ministry = OrganisationRefSerializer()
    developer = OrganisationRefSerializer()
    overdue = serializers.BooleanField(source="is_overdue")
    days_overdue = serializers.IntegerField()

    class Meta:
        model = DisclosureRequest
        fields = [
            "id",
            "reference",
            "ministry",
            "developer",
            "model_name",
            "model_version",
            "legal_basis",
            "legal_basis_other",
            "sections",
            "issued_at",
            "deadline",
            "state",
            "overdue",
            "days_overdue",
        ]


class OrganisationRequestDetailSerializer(OrganisationRequestSerializer):
    covering_letter = serializers.CharField()
    questions = QuestionSerializer(many=True, source="questions.all")
    timeline = serializers.SerializerMethodField()

    class Meta(OrganisationRequestSerializer.Meta):
        fields = [*OrganisationRequestSerializer.Meta.fields, "covering_letter", "questions", "timeline"]

    @extend_schema_field(TimelineEventSerializer(many=True))
    def get_timeline(self, obj):
        return TimelineEventSerializer(timeline(obj), many=True).data


class AttachmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    submitted_in = serializers.IntegerField(source="submitted_in.number", allow_null=True, default=None)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "sha256",
            "description",
            "tier",
            "reason",
            "uploaded_at",
            "in_draft",
            "submitted_in",
        ]


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, CSV, PNG or JPEG; its real type and size are checked.")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.PUBLIC)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DraftSerializer(serializers.ModelSerializer):
    answers = AnswerDocumentField()
    etag = serializers.SerializerMethodField()

    class Meta:
        model = ResponseDraft
        fields = ["revision", "etag", "updated_at", "answers"]

    def get_etag(self, obj) -> str:
        from disclosures.api.concurrency import etag_for

        return etag_for(obj)


class ImportResultSerializer(serializers.Serializer):
    draft = DraftSerializer()
    reported = serializers.ListField(child=serializers.CharField(), help_text="What was not imported, and why.")


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponseVersion
        fields = ["number", "submitted_at"]


class VersionDetailSerializer(VersionSerializer):
    answers = AnswerDocumentField(help_text="The complete answers, with their confidentiality claims.")

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "answers"]


class DiffRowSerializer(serializers.Serializer):
    path = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
    changed = serializers.BooleanField()


class ComparisonSerializer(serializers.Serializer):
    a = serializers.IntegerField()
    b = serializers.IntegerField()
    changed = serializers.IntegerField()
    rows = DiffRowSerializer(many=True)


class RecordSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    log_index = serializers.IntegerField(allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Record
        fields = [
            "id",
            "kind",
            "variant",
            "title",
            "sha256",
            "size",
            "page_count",
            "created_at",
            "log_index",
            "download",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, obj) -> str:
        view = self.context["view"]
        return reverse(
            f"api:{view.basename}-record-file",
            kwargs={"public_id": view.kwargs["public_id"], "record_id": obj.public_id},
        )


class DeclineSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=10_000, help_text="Why the company declines; shown publicly.")
