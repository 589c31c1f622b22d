"""One POST endpoint per side that runs a lifecycle transition through its service.

Each action names the form that parses its input and the service that carries it out; the view only
connects the two and reports the outcome. An irreversible move takes two posts: the first renders a
confirmation page saying what will be sent, published and signed, whose button posts the same fields
again with `confirm=1`. The services' state check makes a repeated confirmed post change nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosures.forms.requests import ClarificationForm, EscalationForm, MessageForm, RequiredMessageForm
from disclosures.models import AuditEvent
from disclosures.permissions import may_transition
from disclosures.selectors.requests import get_request_for
from disclosures.services import requests as services
from disclosures.services.errors import InvalidTransition
from disclosures.states import TRANSITIONS, Action
from disclosures.views.confirmation import consequences
from portal.accounts.net import client_ip


@dataclass(frozen=True)
class ActionView:
    form: type[forms.Form] | None
    run: Callable[..., object]


ACTIONS: dict[str, ActionView] = {
    Action.ISSUE: ActionView(None, lambda r, by, ip, d: services.issue_request(request=r, by=by, ip=ip)),
    Action.ACKNOWLEDGE: ActionView(None, lambda r, by, ip, d: services.acknowledge_request(request=r, by=by, ip=ip)),
    Action.SUBMIT: ActionView(None, lambda r, by, ip, d: services.submit_response(request=r, by=by, ip=ip)),
    Action.RESUBMIT: ActionView(None, lambda r, by, ip, d: services.submit_response(request=r, by=by, ip=ip)),
    Action.DECLINE: ActionView(
        RequiredMessageForm,
        lambda r, by, ip, d: services.decline_request(request=r, by=by, reasons=d["message"], ip=ip),
    ),
    Action.START_REVIEW: ActionView(None, lambda r, by, ip, d: services.start_review(request=r, by=by, ip=ip)),
    Action.ACCEPT: ActionView(
        MessageForm, lambda r, by, ip, d: services.accept_response(request=r, by=by, message=d["message"], ip=ip)
    ),
    Action.REQUEST_CLARIFICATION: ActionView(
        ClarificationForm,
        lambda r, by, ip, d: services.request_clarification(
            request=r, by=by, points=d["message"], deadline=d["deadline"], ip=ip
        ),
    ),
    Action.FIND_INSUFFICIENT: ActionView(
        RequiredMessageForm,
        lambda r, by, ip, d: services.find_insufficient(request=r, by=by, reasons=d["message"], ip=ip),
    ),
    Action.ESCALATE: ActionView(
        EscalationForm,
        lambda r, by, ip, d: services.escalate_request(
            request=r, by=by, action_taken=d["action_taken"], message=d["message"], ip=ip
        ),
    ),
    Action.CLOSE: ActionView(
        MessageForm, lambda r, by, ip, d: services.close_request(request=r, by=by, message=d["message"], ip=ip)
    ),
    Action.WITHDRAW: ActionView(
        RequiredMessageForm,
        lambda r, by, ip, d: services.withdraw_request(request=r, by=by, reasons=d["message"], ip=ip),
    ),
}


# Moves that cannot be undone: each is confirmed on a page that states its consequences first.
CONFIRMED_ACTIONS = frozenset(
    {
        Action.ISSUE,
        Action.SUBMIT,
        Action.RESUBMIT,
        Action.DECLINE,
        Action.ACCEPT,
        Action.REQUEST_CLARIFICATION,
        Action.FIND_INSUFFICIENT,
        Action.ESCALATE,
        Action.CLOSE,
        Action.WITHDRAW,
    }
)
CONFIRM_FIELD = "confirm"
# The developer's answer review (everything sent, what will be public, what is claimed confidential)
# is the confirmation of a submission, where that page exists.
ANSWER_REVIEW_URL = "developer:answer_review"


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"


def answer_review_url(disclosure) -> str | None:
    try:
        return reverse(ANSWER_REVIEW_URL, args=[disclosure.public_id])
    except NoReverseMatch:
        return None


def render_confirmation(
    request,
    *,
    disclosure,
    action: str,
    form: forms.Form | None,
    action_url: str,
    back_url: str,
    extra_fields: list[tuple[str, str]] = (),
) -> HttpResponse:
    """The confirmation page of `action`: what it sends, publishes and signs, and a button that does it.

    The button posts the form's fields (and `extra_fields`) again as hidden inputs, with `confirm=1`.
    """
    data = form.cleaned_data if form is not None else {}
    given = []
    if form is not None:
        for name, field in form.fields.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            given.append((field.label, value))
    return render(
        request,
        "transitions/confirm.html",
        {
            "disclosure": disclosure,
            "action": action,
            "form": form,
            "given": given,
            "consequences": consequences(disclosure, action, data),
            "action_url": action_url,
            "back_url": back_url,
            "extra_fields": list(extra_fields),
            "danger": action in (Action.WITHDRAW, Action.DECLINE),
        },
    )


def already_done(disclosure, action: str) -> bool:
    """Whether the request's latest step is this very move: a repeated post of a confirmation that went through."""
    latest = AuditEvent.objects.filter(request=disclosure).order_by("-created_at", "-id").only("action").first()
    same = {Action.SUBMIT, Action.RESUBMIT} if action in (Action.SUBMIT, Action.RESUBMIT) else {action}
    return latest is not None and latest.action in same


def action_forms(available: list[str], data=None, failed: str | None = None) -> dict[str, forms.Form | None]:
    """A fresh form for each action the user can take (the failed one bound, to show its errors)."""
    return {
        action: (
            ACTIONS[action].form(data if action == failed else None, prefix=action) if ACTIONS[action].form else None
        )
        for action in available
    }


def make_transition_view(audience: str, detail_view: Callable):
    @require_POST
    def transition(request, public_id, action):
        disclosure = get_request_for(request.user, public_id)
        if action not in ACTIONS:
            raise Http404
        spec = ACTIONS[action]
        form = spec.form(request.POST, prefix=action) if spec.form else None
        if form is not None and not form.is_valid():
            return detail_view(request, public_id=public_id, failed_action=action, status=400)
        detail_url = reverse(f"{audience}:request_detail", args=[disclosure.public_id])
        if action in CONFIRMED_ACTIONS and not is_confirmed(request):
            if not may_transition(request.user, disclosure, action):
                raise PermissionDenied
            if disclosure.state not in TRANSITIONS[action].sources:
                if already_done(disclosure, action):
                    messages.info(request, _("This was already done; nothing was done a second time."))
                    return redirect(detail_url)
                messages.error(request, _("This step is not possible at the request's present stage."))
                return detail_view(request, public_id=public_id, failed_action=action, status=400)
            review_url = answer_review_url(disclosure) if action in (Action.SUBMIT, Action.RESUBMIT) else None
            if review_url:
                return redirect(review_url)
            return render_confirmation(
                request,
                disclosure=disclosure,
                action=action,
                form=form,
                action_url=request.path,
                back_url=detail_url,
            )
        try:
            spec.run(disclosure, request.user, client_ip(request), form.cleaned_data if form else {})
        except PermissionDenied:
            raise
        except InvalidTransition as error:
            if already_done(disclosure, action):
                messages.info(request, _("This was already done; nothing was done a second time."))
                return redirect(detail_url)
            for text in error.messages:
                messages.error(request, text)
            return detail_view(request, public_id=public_id, failed_action=action, status=400)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return detail_view(request, public_id=public_id, failed_action=action, status=400)
        messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
        return redirect(f"{audience}:request_detail", public_id=disclosure.public_id)

    return transition
