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
        label=_("AI developer"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEVELOPER),
        empty_label=_("Choose the AI developer"),
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


# Questions are listed in the order shown; the page's add, remove and move buttons change that list.
QuestionFormSet = forms.formset_factory(QuestionForm, extra=0)
QUESTIONS_PREFIX = "questions"
# The name of the buttons that edit the list of questions (value "add", "remove-N", "up-N", "down-N").
QUESTION_EDIT = "question_edit"


def questions_from(formset) -> list[QuestionInput]:
    """The non-empty questions in the order shown (blank ones left out)."""
    return [
        QuestionInput(text=f.cleaned_data["text"], guidance=f.cleaned_data["guidance"])
        for f in formset.forms
        if f.cleaned_data.get("text", "").strip()
    ]


def posted_questions(data) -> list[dict]:
    """The questions as posted, in the order shown, whether or not they are valid yet."""
    try:
        total = min(int(data.get(f"{QUESTIONS_PREFIX}-TOTAL_FORMS", 0)), QuestionFormSet.max_num)
    except ValueError:
        total = 0
    return [
        {
            "text": data.get(f"{QUESTIONS_PREFIX}-{i}-text", ""),
            "guidance": data.get(f"{QUESTIONS_PREFIX}-{i}-guidance", ""),
        }
        for i in range(total)
    ]


def edit_questions(questions: list[dict], command: str) -> tuple[list[dict], int | None]:
    """Apply one button of the question list; returns the new list and the position to bring into view.

    Unknown or out-of-range commands change nothing, so a stale page cannot remove the wrong question.
    """
    questions = list(questions)
    if command == "add":
        questions.append({"text": "", "guidance": ""})
        return questions, len(questions) - 1
    verb, _sep, raw = command.partition("-")
    if not raw.isdigit() or int(raw) >= len(questions):
        return questions, None
    index = int(raw)
    if verb == "remove":
        del questions[index]
        return questions, min(index, len(questions) - 1) if questions else None
    target = index - 1 if verb == "up" else index + 1 if verb == "down" else None
    if target is None or not 0 <= target < len(questions):
        return questions, index
    questions[index], questions[target] = questions[target], questions[index]
    return questions, target


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
