from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from disclosures.forms.requests import (
    QUESTION_EDIT,
    QUESTIONS_PREFIX,
    QuestionFormSet,
    RequestForm,
    edit_questions,
    posted_questions,
    questions_from,
)
from disclosures.permissions import may_edit_draft
from disclosures.selectors.publication import awaiting_publication
from disclosures.selectors.requests import DashboardFilter, get_request_for, ministry_dashboard
from disclosures.services.requests import create_request, update_draft
from disclosures.states import MINISTRY, State
from disclosures.views.shared import render_request_detail
from disclosures.views.transitions import make_transition_view
from portal.accounts.decorators import role_required
from portal.accounts.models import Organisation, Role
from portal.accounts.net import client_ip


@role_required(*MINISTRY)
def dashboard(request):
    filters = DashboardFilter(
        state=request.GET.get("state", "") if request.GET.get("state") in State.values else "",
        developer_slug=request.GET.get("developer", ""),
        overdue=request.GET.get("overdue") == "1",
        due_within_7_days=request.GET.get("due_soon") == "1",
    )
    return render(
        request,
        "official/dashboard.html",
        {
            "requests": ministry_dashboard(request.user, filters),
            "filters": filters,
            "states": State.choices,
            "developers": Organisation.objects.filter(kind=Organisation.Kind.DEVELOPER),
            "awaiting_publication": awaiting_publication(request.user).count()
            if request.user.has_role(Role.SUPERVISOR)
            else None,
        },
    )


def _posted_request_fields(data) -> dict:
    """The request form's fields as posted, to show again (unvalidated) after a question button."""
    return {
        name: field.widget.value_from_datadict(data, {}, name)
        for name, field in RequestForm.base_fields.items()
        if name in data or isinstance(field, forms.MultipleChoiceField)
    }


def _render_form(request, *, form, formset, disclosure, status=200):
    return render(
        request,
        "official/request_form.html",
        {"form": form, "formset": formset, "disclosure": disclosure},
        status=status,
    )


def _edit_questions(request, disclosure):
    """A question button (add, remove, move) without JavaScript: the same page again with the list changed.

    Nothing is saved and nothing is validated yet, so no error appears for fields not filled in so far.
    """
    questions, focus = edit_questions(posted_questions(request.POST), request.POST[QUESTION_EDIT])
    form = RequestForm(initial=_posted_request_fields(request.POST))
    formset = QuestionFormSet(initial=questions, prefix=QUESTIONS_PREFIX)
    if focus is not None:
        formset.forms[focus].fields["text"].widget.attrs["autofocus"] = True
    return _render_form(request, form=form, formset=formset, disclosure=disclosure)


def _save_request_form(request, *, disclosure=None):
    if request.method == "POST" and QUESTION_EDIT in request.POST:
        return _edit_questions(request, disclosure)
    initial = {}
    # A new request starts with one empty question; "Add a question" gives more.
    questions_initial = [{"text": "", "guidance": ""}]
    if disclosure is not None:
        initial = {
            "developer": disclosure.developer,
            "legal_basis": disclosure.legal_basis,
            "legal_basis_other": disclosure.legal_basis_other,
            "model_name": disclosure.model_name,
            "model_version": disclosure.model_version,
            "sections": disclosure.sections,
            "covering_letter": disclosure.covering_letter,
            "deadline": disclosure.deadline,
        }
        questions_initial = [{"text": q.text, "guidance": q.guidance} for q in disclosure.questions.all()]
    form = RequestForm(request.POST or None, initial=initial)
    formset = QuestionFormSet(request.POST or None, initial=questions_initial, prefix=QUESTIONS_PREFIX)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        draft = form.to_draft(questions_from(formset))
        try:
            if disclosure is None:
                disclosure = create_request(by=request.user, draft=draft, ip=client_ip(request))
            else:
                disclosure = update_draft(request=disclosure, by=request.user, draft=draft, ip=client_ip(request))
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                if field in form.fields:
                    form.add_error(field, texts)
                else:
                    form.add_error(None, texts)
        else:
            messages.success(request, _("The draft %(reference)s was saved.") % {"reference": disclosure.reference})
            return redirect("official:request_detail", public_id=disclosure.public_id)
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form=form, formset=formset, disclosure=disclosure, status=status)


@role_required(*MINISTRY)
def request_create(request):
    return _save_request_form(request)


@role_required(*MINISTRY)
def request_edit(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    if not may_edit_draft(request.user, disclosure):
        messages.error(request, _("Only drafts can be edited."))
        return redirect("official:request_detail", public_id=public_id)
    return _save_request_form(request, disclosure=disclosure)


@role_required(*MINISTRY)
def request_detail(request, public_id, failed_action=None, status=200):
    return render_request_detail(request, public_id, "official", failed_action, status)


request_transition = role_required(*MINISTRY)(make_transition_view("official", request_detail))
