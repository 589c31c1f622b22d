from django import forms
from django.utils.translation import gettext_lazy as _

from disclosures.deadlines import default_deadline
from disclosures.models import LegalBasis, Section
from disclosures.services.requests import QuestionInput, RequestDraft
from disclosures.states import EscalationAction
from portal.accounts.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"


class RequestForm(forms.Form):
    developer = forms.ModelChoiceField(
        label=_("AI developer"), queryset=Organisation.objects.filter(kind=Organisation.Kind.DEVELOPER)
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices, initial=LegalBasis.ARTICLE_16)
    legal_basis_other = forms.CharField(
        label=_("Other legal basis"), required=False, max_length=300, help_text=_("Only when the legal basis is Other.")
    )
    model_name = forms.CharField(label=_("Model or service concerned"), max_length=200)
    model_version = forms.CharField(label=_("Version"), max_length=100, required=False)
    sections = forms.MultipleChoiceField(
        label=_("Sections asked"), choices=Section.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    covering_letter = forms.CharField(label=_("Covering letter"), widget=forms.Textarea)
    deadline = forms.DateField(
        label=_("Deadline (Japan time)"),
        widget=DateInput,
        required=False,
        help_text=_("Defaults to the configured number of working days, skipping weekends and public holidays."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "deadline" not in self.initial:
            self.initial["deadline"] = default_deadline()

    def to_draft(self, questions: list[QuestionInput]) -> RequestDraft:
        data = self.cleaned_data
        return RequestDraft(
            developer=data["developer"],
            legal_basis=data["legal_basis"],
            legal_basis_other=data["legal_basis_other"],
            model_name=data["model_name"],
            model_version=data["model_version"],
            sections=data["sections"],
            covering_letter=data["covering_letter"],
            deadline=data["deadline"],
            questions=questions,
        )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    guidance = forms.CharField(label=_("Guidance (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, can_delete=True, can_order=True)


def questions_from(formset) -> list[QuestionInput]:
    """The non-empty questions in the order the official gave (deleted ones and blank extras left out)."""
    return [
        QuestionInput(text=f.cleaned_data["text"], guidance=f.cleaned_data["guidance"])
        for f in formset.ordered_forms
        if f.cleaned_data.get("text", "").strip()
    ]


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredMessageForm(forms.Form):
    message = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class ClarificationForm(forms.Form):
    message = forms.CharField(label=_("Points to clarify"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("New deadline (Japan time)"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["deadline"] = default_deadline(working_days=10)


class EscalationForm(forms.Form):
    action_taken = forms.ChoiceField(label=_("Action taken"), choices=EscalationAction.choices)
    message = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}))
