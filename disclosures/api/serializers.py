"""Serializers of the public API: explicit fields only, so nothing is exposed by accident."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from disclosures.models import DisclosureRequest
from disclosures.selectors import public as selectors


class OrganisationRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name_ja = serializers.CharField()
    name_en = serializers.CharField()


class PublicRequestSerializer(serializers.ModelSerializer):
    developer = OrganisationRefSerializer()
    ministry = OrganisationRefSerializer()
    days_open = serializers.SerializerMethodField()
    overdue = serializers.BooleanField()
    days_overdue = serializers.IntegerField()
    published = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureRequest
        fields = [
            "reference",
            "url",
            "developer",
            "ministry",
            "model_name",
            "model_version",
            "legal_basis",
            "legal_basis_other",
            "sections",
            "issued_at",
            "deadline",
            "state",
            "days_open",
            "overdue",
            "days_overdue",
            "published",
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_days_open(self, obj) -> int | None:
        return selectors.days(obj.open_for)

    def get_published(self, obj) -> bool:
        return obj.published_at is not None

    def get_url(self, obj) -> str:
        return reverse("public:request_detail", args=[obj.reference])


class PublicEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    organisation = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    reasons = serializers.CharField(help_text="Decline reasons; empty for other actions.")
    action_taken = serializers.CharField()


class PublicRequestDetailSerializer(PublicRequestSerializer):
    covering_letter = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(PublicRequestSerializer.Meta):
        fields = [*PublicRequestSerializer.Meta.fields, "covering_letter", "timeline", "answers"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_covering_letter(self, obj) -> str | None:
        return obj.covering_letter if obj.published_at is not None else None

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, obj):
        return PublicEventSerializer(selectors.public_timeline(obj), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_answers(self, obj) -> list[dict]:
        return [
            {"version": version.number, "submitted_at": version.submitted_at, "answers": answers}
            for version, answers in selectors.public_versions(obj)
        ]


class CompanyFiguresSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="organisation.slug")
    name_ja = serializers.CharField(source="organisation.name_ja")
    name_en = serializers.CharField(source="organisation.name_en")
    received = serializers.IntegerField()
    answered_on_time = serializers.IntegerField(source="on_time")
    answered_late = serializers.IntegerField(source="late")
    declined = serializers.IntegerField()
    not_yet_due = serializers.IntegerField(help_text="No answer yet, deadline not passed.")
    no_answer_by_deadline = serializers.IntegerField(source="no_answer", help_text="No answer, deadline passed.")
    unanswered = serializers.IntegerField(help_text="not_yet_due + no_answer_by_deadline")
    withdrawn = serializers.IntegerField()
    overdue = serializers.IntegerField()
    median_days_to_answer = serializers.FloatField(allow_null=True)
    models = serializers.ListField(child=serializers.CharField(), source="model_list")


class DeclaredSourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    modality = serializers.CharField()
    top_domains = serializers.ListField(child=serializers.CharField())
    rights_holders = serializers.ListField(child=serializers.CharField())
    consent_basis = serializers.CharField()
    licence_grantor = serializers.CharField()
    reference = serializers.CharField(source="version.request.reference")
    developer = serializers.CharField(source="version.request.developer.slug")
    model_name = serializers.CharField(source="version.request.model_name")
    version = serializers.IntegerField(source="version.number")
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("public:request_detail", args=[obj.version.request.reference]) + f"#v{obj.version.number}"
