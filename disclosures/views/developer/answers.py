"""The developer's answer pages: the structured draft (save, autosave, upload), submit, import and export."""

import uuid
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from disclosures.forms.answers import AnswerForms, AttachmentUploadForm, ImportForm, data_from_document
from disclosures.permissions import may_transition
from disclosures.selectors import answers as selectors
from disclosures.selectors.requests import get_request_for
from disclosures.services import responses as services
from disclosures.services.errors import InvalidTransition
from disclosures.services.requests import submit_response
from disclosures.states import DEVELOPER, Action, State
from portal.accounts.decorators import role_required
from portal.accounts.net import client_ip


def _is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


STASH_TICKET_FIELD = "stash_ticket"


def keep_unsaved_input(view):
    """When the session expired while typing, stash the posted answers and restore them after sign-in.

    Only input that carries the stash ticket the answer page gave its signed-in author is kept, and only
    while that author may still edit the request's answers: a visitor without one stores nothing.
    """

    @wraps(view)
    def wrapped(request, public_id, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            token = _stash(request, public_id)
            target = reverse("developer:answers", args=[public_id])
            if token:
                target += "?" + urlencode({"restore": token})
            login = redirect_to_login(target)
            if _is_autosave(request):
                return JsonResponse({"status": "signed_out", "login_url": login.url}, status=401)
            return login
        return view(request, public_id, *args, **kwargs)

    return wrapped


def _stash(request, public_id) -> str | None:
    owner = services.stash_owner(ticket=request.POST.get(STASH_TICKET_FIELD, ""), request_public_id=public_id)
    if owner is None:
        return None
    try:
        disclosure = get_request_for(owner, public_id)
        skip = {"csrfmiddlewaretoken", STASH_TICKET_FIELD}
        data = {key: values for key, values in request.POST.lists() if key not in skip}
        return services.stash_input(by=owner, request=disclosure, data=data)
    except (Http404, PermissionDenied):
        return None


def _saved_at(draft) -> str:
    return date_format(timezone.localtime(draft.updated_at), "Y-m-d H:i:s") if draft.updated_at else ""


def _render(request, disclosure, draft, forms, *, revision, status=200, upload_form=None, **extra):
    editable = services.may_edit_answers(request.user, disclosure)
    context = {
        "disclosure": disclosure,
        "draft": draft,
        "forms": forms,
        "revision": revision,
        "saved_at": _saved_at(draft),
        "editable": editable,
        "stash_ticket": services.stash_ticket(user=request.user, request=disclosure) if editable else "",
        "can_submit": any(
            may_transition(request.user, disclosure, action) and disclosure.state in sources
            for action, sources in (
                (Action.SUBMIT, {State.ISSUED, State.ACKNOWLEDGED}),
                (Action.RESUBMIT, {State.CLARIFICATION_REQUESTED}),
            )
        ),
        "upload_form": upload_form or AttachmentUploadForm(),
        "import_form": ImportForm(initial={"revision": revision}),
        "attachments": selectors.draft_attachments(disclosure),
        "comments": selectors.clarification_comments(disclosure),
        "rejected_claims": selectors.rejected_claims(disclosure),
        "versions": selectors.versions_of(disclosure),
        **extra,
    }
    return render(request, "developer/answers.html", context, status=status)


@keep_unsaved_input
@role_required(*DEVELOPER)
def answers(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    draft = services.draft_for(disclosure)
    if request.method == "POST":
        if not services.may_edit_answers(request.user, disclosure):
            raise PermissionDenied
        return _save(request, disclosure, draft)
    restored = None
    if request.GET.get("restore"):
        restored = services.take_stashed_input(request=disclosure, by=request.user, token=request.GET["restore"])
    if restored is not None:
        data = MultiValueDict(restored)
        messages.info(request, _("Your unsaved input was restored after signing in. Save to keep it."))
        forms = AnswerForms(disclosure, data)
        revision = data.get("revision", draft.revision)
        forms.is_valid()
    else:
        forms = AnswerForms(disclosure, data_from_document(disclosure, draft.answers))
        revision = draft.revision
    return _render(request, disclosure, draft, forms, revision=revision)


def _save(request, disclosure, draft):
    autosave = _is_autosave(request)
    forms = AnswerForms(disclosure, request.POST, extra_rows=request.POST.get("add_row", ""))
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        return HttpResponseBadRequest("revision")
    upload_form = AttachmentUploadForm(request.POST, request.FILES)
    # Files first: an accepted file is kept even when the answers still have errors.
    if not autosave and upload_form.is_valid() and upload_form.cleaned_data["attachment"]:
        data = upload_form.cleaned_data
        try:
            services.add_attachment(
                request=disclosure,
                by=request.user,
                upload=data["attachment"],
                description=data["attachment_description"],
                tier=data["attachment_tier"],
                reason=data["attachment_reason"],
            )
            messages.success(request, _("The file %(name)s was attached.") % {"name": data["attachment"].name})
            upload_form = AttachmentUploadForm()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for text in errors:
                    upload_form.add_error(field if field in upload_form.fields else None, text)
    if request.POST.get("remove_attachment"):
        try:
            attachment_id = uuid.UUID(request.POST["remove_attachment"])
        except ValueError:
            upload_form.add_error(None, _("This file is not attached to the answer."))
            if autosave:
                return JsonResponse({"status": "invalid", "problems": []}, status=400)
            return _render(request, disclosure, draft, forms, revision=revision, status=400, upload_form=upload_form)
        attachment = selectors.get_attachment_for(request.user, disclosure, attachment_id)
        services.remove_attachment(attachment=attachment, by=request.user)
    if not forms.is_valid():
        if autosave:
            problems = [{"anchor": p.anchor, "label": p.label, "message": p.message} for p in forms.problems()]
            return JsonResponse({"status": "invalid", "problems": problems}, status=400)
        return _render(
            request, disclosure, draft, forms, revision=revision, status=400, upload_form=upload_form, invalid=True
        )
    mine = forms.to_document()
    try:
        draft = services.save_draft(request=disclosure, by=request.user, answers=mine, revision=revision)
    except services.DraftConflict as conflict:
        theirs = conflict.draft
        if autosave:
            return JsonResponse({"status": "conflict", "revision": theirs.revision}, status=409)
        differences = [row for row in selectors.compare_documents(theirs.answers, mine) if row.changed]
        return _render(
            request,
            disclosure,
            theirs,
            forms,
            revision=theirs.revision,
            status=409,
            upload_form=upload_form,
            conflict={"by": theirs.updated_by, "at": _saved_at(theirs), "differences": differences},
        )
    if autosave:
        return JsonResponse({"status": "saved", "revision": draft.revision, "saved_at": _saved_at(draft)})
    if "attachment" in request.FILES and upload_form.errors:
        forms = AnswerForms(disclosure, data_from_document(disclosure, draft.answers))
        return _render(request, disclosure, draft, forms, revision=draft.revision, status=400, upload_form=upload_form)
    messages.success(request, _("Saved."))
    target = reverse("developer:answers", args=[disclosure.public_id])
    anchor = request.POST.get("add_row", "")
    return redirect(f"{target}#rows-{anchor}" if anchor else target)


@role_required(*DEVELOPER)
@require_POST
def submit(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    try:
        submit_response(request=disclosure, by=request.user, ip=client_ip(request))
    except services.IncompleteAnswer as error:
        draft = services.draft_for(disclosure)
        forms = AnswerForms(disclosure, data_from_document(disclosure, draft.answers), strict=True)
        forms.is_valid()
        return _render(request, disclosure, draft, forms, revision=draft.revision, status=400, problems=error.problems)
    except (InvalidTransition, ValidationError) as error:
        for text in error.messages if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, text)
        return redirect("developer:answers", public_id=disclosure.public_id)
    messages.success(request, _("Your answer was submitted."))
    return redirect("developer:request_detail", public_id=disclosure.public_id)


@role_required(*DEVELOPER)
@require_GET
def export(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    document = services.export_answers(services.draft_for(disclosure))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{disclosure.reference}-answers.json"'
    return response


@role_required(*DEVELOPER)
@require_POST
def import_document(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    form = ImportForm(request.POST, request.FILES)
    target = redirect("developer:answers", public_id=disclosure.public_id)
    if not form.is_valid():
        # A file that is not a usable document says why; no file (or a bad form) asks for one.
        errors = form.errors.get("document") if "document" in request.FILES else None
        for text in errors or [_("Choose a JSON file to import.")]:
            messages.error(request, text)
        return target
    try:
        result = services.import_answers(
            request=disclosure,
            by=request.user,
            document=form.cleaned_data["document"],
            revision=form.cleaned_data["revision"],
        )
    except services.DraftConflict:
        messages.error(request, _("The draft was saved by someone else meanwhile. Reload it and import again."))
        return target
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return target
    messages.success(request, _("The document was imported."))
    for text in result.reported:
        messages.warning(request, text)
    return target
