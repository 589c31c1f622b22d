"""The official's review of a submitted answer: the version in full, claims to decide, comments to send."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosures.forms.answers import ClaimDecisionForm
from disclosures.forms.requests import ClarificationForm
from disclosures.permissions import may_transition
from disclosures.selectors import answers as selectors
from disclosures.selectors.requests import get_request_for
from disclosures.services import responses as services
from disclosures.services.audit import record_read
from disclosures.services.errors import InvalidTransition
from disclosures.services.requests import request_clarification
from disclosures.states import MINISTRY, Action
from disclosures.views.transitions import already_done, is_confirmed, render_confirmation
from portal.accounts.decorators import role_required
from portal.accounts.net import client_ip


def _version(request, disclosure):
    versions = list(selectors.versions_of(disclosure))
    if not versions:
        return versions, None
    raw = request.POST.get("version") or request.GET.get("version")
    try:
        number = int(raw) if raw else versions[-1].number
    except ValueError:
        number = versions[-1].number
    return versions, selectors.get_version(disclosure, number)


@role_required(*MINISTRY)
def review(request, public_id, clarification_form=None, status=200):
    disclosure = get_request_for(request.user, public_id)
    versions, version = _version(request, disclosure)
    context = {"disclosure": disclosure, "versions": versions, "version": version}
    if version is not None:
        record_read(http_request=request, disclosure=disclosure, what="answers", data={"version": version.number})
        decisions = {d.answer_path: d for d in version.confidentiality_decisions.select_related("decided_by")}
        claims = [
            (
                claim,
                decisions.get(claim.path),
                ClaimDecisionForm(
                    initial={"answer_path": claim.path, "version": version.number},
                    auto_id="id_" + claim.path.replace("/", "-") + "_%s",
                ),
            )
            for claim in selectors.claims(version)
        ]
        context |= {
            "answers": selectors.readable(version.answers, questions=selectors.question_texts(disclosure)),
            "claims": claims,
            "may_decide": services.may_decide_claims(request.user, disclosure),
            "can_clarify": may_transition(request.user, disclosure, Action.REQUEST_CLARIFICATION)
            and version.number == versions[-1].number,
            "clarification_form": clarification_form or ClarificationForm(prefix="clarify"),
            "comments": {k[len("comment-") :]: v for k, v in request.POST.items() if k.startswith("comment-")},
        }
    return render(request, "official/review.html", context, status=status)


@role_required(*MINISTRY)
@require_POST
def decide(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    if not services.may_decide_claims(request.user, disclosure):
        raise PermissionDenied(_("Only a supervisor of the requesting ministry decides on confidentiality claims."))
    _versions, version = _version(request, disclosure)
    form = ClaimDecisionForm(request.POST)
    target = reverse("official:review", args=[disclosure.public_id]) + f"?version={version.number if version else ''}"
    if version is None or not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(target)
    try:
        services.decide_claim(
            version=version,
            answer_path=form.cleaned_data["answer_path"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(target)
    messages.success(request, _("The decision was recorded."))
    return redirect(target)


@role_required(*MINISTRY)
@require_POST
def clarify(request, public_id):
    """Ask for clarification, with a comment on each answer that needs one (kept with the event)."""
    disclosure = get_request_for(request.user, public_id)
    _versions, version = _version(request, disclosure)
    form = ClarificationForm(request.POST, prefix="clarify")
    if version is None or not form.is_valid():
        return review(request, public_id=public_id, clarification_form=form, status=400)
    paths = {answer.path for answer in selectors.readable(version.answers)}
    comments = {
        key[len("comment-") :]: value.strip()
        for key, value in request.POST.items()
        if key.startswith("comment-") and key[len("comment-") :] in paths and value.strip()
    }
    if not is_confirmed(request):
        return render_confirmation(
            request,
            disclosure=disclosure,
            action=Action.REQUEST_CLARIFICATION,
            form=form,
            action_url=request.path,
            back_url=reverse("official:review", args=[disclosure.public_id]) + f"?version={version.number}",
            extra_fields=[("version", str(version.number))]
            + [(f"comment-{path}", text) for path, text in comments.items()],
        )
    try:
        request_clarification(
            request=disclosure,
            by=request.user,
            points=form.cleaned_data["message"],
            deadline=form.cleaned_data["deadline"],
            ip=client_ip(request),
            data={"version": version.number, "comments": comments},
        )
    except (ValidationError, InvalidTransition) as error:
        if isinstance(error, InvalidTransition) and already_done(disclosure, Action.REQUEST_CLARIFICATION):
            messages.info(request, _("This was already done; nothing was done a second time."))
            return redirect("official:request_detail", public_id=disclosure.public_id)
        for text in error.messages if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, text)
        return review(request, public_id=public_id, clarification_form=form, status=400)
    messages.success(request, _("Clarification was requested."))
    return redirect("official:request_detail", public_id=disclosure.public_id)
