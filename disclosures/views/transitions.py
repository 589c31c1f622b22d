"""One POST endpoint per side that runs a lifecycle transition through its service.

Each action names the form that parses its input and the service that carries it out; the view only
connects the two and reports the outcome.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosures.forms.requests import ClarificationForm, EscalationForm, MessageForm, RequiredMessageForm
from disclosures.selectors.requests import get_request_for
from disclosures.services import requests as services
from disclosures.states import Action
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
        try:
            spec.run(disclosure, request.user, client_ip(request), form.cleaned_data if form else {})
        except PermissionDenied:
            raise
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return detail_view(request, public_id=public_id, failed_action=action, status=400)
        messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
        return redirect(f"{audience}:request_detail", public_id=disclosure.public_id)

    return transition
