"""Forms of the concern pages: parse and check input; the services decide."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concerns.models import Ask, Concern, NoActionReason, Observation, WatchTerm, WorkKind
from concerns.services import ConcernInput, WorkInput
from portal.accounts.models import Organisation

# A link is kept as text and never opened; only plain web addresses are accepted (no javascript:, data:).
LINK = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
MAX_LINKS = 50


class ConcernForm(forms.Form):
    ministry = forms.ModelChoiceField(
        label=gettext_lazy("Ministry to address"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MINISTRY),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a ministry from the list.")},
    )
    developer = forms.ModelChoiceField(
        label=gettext_lazy("AI developer concerned"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEVELOPER),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose an AI developer from the list.")},
    )
    model_name = forms.CharField(label=gettext_lazy("Model or service"), max_length=200, required=False)
    observations = forms.MultipleChoiceField(
        label=gettext_lazy("What was observed"),
        choices=Observation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    observed = forms.CharField(
        label=gettext_lazy("What you observed, in your words"), widget=forms.Textarea, required=False, max_length=20000
    )
    evidence_text = forms.CharField(
        label=gettext_lazy("Evidence (text)"), widget=forms.Textarea, required=False, max_length=20000
    )
    evidence_links = forms.CharField(
        label=gettext_lazy("Links, one a line (kept as text, never opened by the portal)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )
    prompts = forms.CharField(
        label=gettext_lazy("Prompts used"), widget=forms.Textarea, required=False, max_length=20000
    )
    asks = forms.MultipleChoiceField(
        label=gettext_lazy("What you ask for"), choices=Ask.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    allow_public = forms.BooleanField(
        label=gettext_lazy(
            "Show our organisation's name and the works on the public page of a request opened from this concern"
        ),
        required=False,
    )

    def clean_evidence_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines() if line.strip()]
        bad = [line for line in lines if not LINK.match(line)]
        if bad:
            raise forms.ValidationError(
                _("Only web addresses starting with http:// or https:// are accepted: %(links)s")
                % {"links": ", ".join(b[:80] for b in bad[:3])}
            )
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(_("At most %(n)d links.") % {"n": MAX_LINKS})
        return "\n".join(lines)


class WorkForm(forms.Form):
    title_ja = forms.CharField(label=gettext_lazy("Title (Japanese)"), max_length=300, required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[("", "—"), *WorkKind.choices], required=False)
    identifier = forms.CharField(
        label=gettext_lazy("Identifier (ISBN, official site…)"), max_length=300, required=False
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get(name) or "").strip() for name in ("title_ja", "title_en", "identifier"))

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            if not (data.get("title_ja") or data.get("title_en")):
                self.add_error("title_ja", _("Give the work a title in Japanese or English."))
            if not data.get("kind"):
                self.add_error("kind", _("Choose the kind of work."))
        return data


WorkFormSet = forms.formset_factory(WorkForm, extra=2, max_num=100, validate_max=True)


def concern_initial(concern: Concern) -> tuple[dict, list[dict]]:
    initial = {
        "ministry": concern.ministry_id,
        "developer": concern.developer_id,
        "model_name": concern.model_name,
        "observations": concern.observations,
        "observed": concern.observed,
        "evidence_text": concern.evidence_text,
        "evidence_links": concern.evidence_links,
        "prompts": concern.prompts,
        "asks": concern.asks,
        "allow_public": concern.allow_public,
    }
    works = [
        {"title_ja": w.title_ja, "title_en": w.title_en, "kind": w.kind, "identifier": w.identifier}
        for w in concern.works.all()
    ]
    return initial, works


def concern_input(form: ConcernForm, works: WorkFormSet) -> ConcernInput:
    data = form.cleaned_data
    return ConcernInput(
        ministry=data["ministry"],
        developer=data["developer"],
        model_name=data["model_name"],
        observations=data["observations"],
        observed=data["observed"],
        evidence_text=data["evidence_text"],
        evidence_links=data["evidence_links"],
        prompts=data["prompts"],
        asks=data["asks"],
        allow_public=data["allow_public"],
        works=[
            WorkInput(
                kind=w.cleaned_data["kind"],
                title_ja=w.cleaned_data["title_ja"],
                title_en=w.cleaned_data["title_en"],
                identifier=w.cleaned_data["identifier"],
            )
            for w in works.forms
            if w.cleaned_data and not w.is_blank()
        ],
    )


class EvidenceForm(forms.Form):
    evidence = forms.FileField(label=gettext_lazy("Add evidence (image, video still, PDF or text)"), required=False)
    evidence_description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Assignee"), queryset=None, required=False)
    due_date = forms.DateField(
        label=gettext_lazy("Due (Japan time)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, ministry: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.accounts.models import MINISTRY_ROLES, User

        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, membership__organisation=ministry, membership__role__in=MINISTRY_ROLES
        ).order_by("username")


class NoActionForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=NoActionReason.choices)
    note = forms.CharField(
        label=gettext_lazy("Explanation for the filer"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=24)


class WatchTermForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=WatchTerm.Kind.choices)
    term = forms.CharField(label=gettext_lazy("Term"), max_length=200)


class WithdrawForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Reason (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
