"""Concern pages: the rights holder's (file, follow up, watch terms) and the ministry's triage queue."""

import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concerns import selectors, services
from concerns.forms import (
    AssignForm,
    ConcernForm,
    EvidenceForm,
    NoActionForm,
    ReferenceForm,
    WatchTermForm,
    WithdrawForm,
    WorkFormSet,
    concern_initial,
    concern_input,
)
from concerns.models import Concern, State
from disclosures.models import DisclosureRequest, RecordKind
from disclosures.records.integrity import verified_copy
from disclosures.states import MINISTRY
from portal.accounts.decorators import role_required
from portal.accounts.models import Organisation, Role
from portal.accounts.net import client_ip

logger = logging.getLogger(__name__)


def _is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _saved_at(concern: Concern) -> str:
    return formats.date_format(timezone.localtime(concern.updated_at), "DATETIME_FORMAT")


def _add_errors(form, error: ValidationError) -> None:
    for name, texts in error.message_dict.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


# The rights holder's side


@role_required(Role.RIGHTS_HOLDER)
def concern_list(request):
    return render(request, "concerns/list.html", {"concerns": selectors.concerns_visible_to(request.user)})


def _render_form(request, *, concern, form, works, evidence_form=None, status=200, **extra):
    return render(
        request,
        "concerns/form.html",
        {
            "concern": concern,
            "form": form,
            "works": works,
            "evidence_form": evidence_form or EvidenceForm(),
            "saved_at": _saved_at(concern) if concern and concern.revision else "",
            **extra,
        },
        status=status,
    )


@role_required(Role.RIGHTS_HOLDER)
def concern_create(request):
    """A new concern: the first save makes the draft, which then autosaves on its own page."""
    if request.method == "POST":
        form, works = ConcernForm(request.POST), WorkFormSet(request.POST, prefix="works")
        if form.is_valid() and works.is_valid():
            try:
                concern = services.start_concern(by=request.user, data=concern_input(form, works))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("concerns:edit", public_id=concern.public_id)
        return _render_form(request, concern=None, form=form, works=works, status=400)
    return _render_form(request, concern=None, form=ConcernForm(), works=WorkFormSet(prefix="works"))


@role_required(Role.RIGHTS_HOLDER)
def concern_edit(request, public_id):
    concern = selectors.get_concern_for(request.user, public_id)
    if not concern.is_draft:
        return redirect("concerns:detail", public_id=concern.public_id)
    if request.method != "POST":
        initial, works = concern_initial(concern)
        return _render_form(
            request,
            concern=concern,
            form=ConcernForm(initial=initial),
            works=WorkFormSet(initial=works, prefix="works"),
            revision=concern.revision,
        )
    autosave = _is_autosave(request)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        return HttpResponseBadRequest("revision")
    form, works = ConcernForm(request.POST), WorkFormSet(request.POST, prefix="works")
    evidence_form = EvidenceForm(request.POST, request.FILES)
    # Files first: an accepted file is kept even when the rest of the form still has errors.
    if not autosave and evidence_form.is_valid() and evidence_form.cleaned_data["evidence"]:
        upload = evidence_form.cleaned_data["evidence"]
        try:
            services.add_evidence(
                concern=concern,
                by=request.user,
                name=upload.name,
                data=upload.read(settings.ATTACHMENT_MAX_BYTES + 1),
                description=evidence_form.cleaned_data["evidence_description"],
            )
            messages.success(request, _("The file %(name)s was added.") % {"name": upload.name})
            evidence_form = EvidenceForm()
        except ValidationError as error:
            _add_errors(evidence_form, error)
    if request.POST.get("remove_evidence"):
        try:
            evidence = selectors.get_evidence_for(request.user, concern, uuid.UUID(request.POST["remove_evidence"]))
        except ValueError:
            raise Http404 from None
        services.remove_evidence(evidence=evidence, by=request.user)
    valid = form.is_valid() and works.is_valid()
    if valid:
        try:
            concern = services.save_draft(
                concern=concern, by=request.user, data=concern_input(form, works), revision=revision
            )
        except services.DraftConflict:
            concern.refresh_from_db()
            if autosave:
                return JsonResponse({"status": "conflict", "revision": concern.revision}, status=409)
            messages.error(
                request, _("Someone else saved this draft meanwhile. Your input is below; save again to keep it.")
            )
            return _render_form(
                request,
                concern=concern,
                form=form,
                works=works,
                evidence_form=evidence_form,
                status=409,
                revision=concern.revision,
            )
        except ValidationError as error:
            _add_errors(form, error)
            valid = False
    if not valid:
        if autosave:
            problems = [
                {"label": str(form.fields[name].label) if name in form.fields else _("Works")} for name in form.errors
            ]
            if works.errors or works.non_form_errors():
                problems.append({"label": _("Works")})
            return JsonResponse({"status": "invalid", "problems": problems}, status=400)
        return _render_form(
            request,
            concern=concern,
            form=form,
            works=works,
            evidence_form=evidence_form,
            status=400,
            revision=revision,
        )
    if autosave:
        return JsonResponse({"status": "saved", "revision": concern.revision, "saved_at": _saved_at(concern)})
    if evidence_form.errors:
        initial, rows = concern_initial(concern)
        return _render_form(
            request,
            concern=concern,
            form=ConcernForm(initial=initial),
            works=WorkFormSet(initial=rows, prefix="works"),
            evidence_form=evidence_form,
            status=400,
            revision=concern.revision,
        )
    if request.POST.get("file") == "1":
        try:
            services.file_concern(concern=concern, by=request.user)
        except ValidationError as error:
            initial, rows = concern_initial(concern)
            form = ConcernForm(initial=initial)
            return _render_form(
                request,
                concern=concern,
                form=form,
                works=WorkFormSet(initial=rows, prefix="works"),
                status=400,
                revision=concern.revision,
                filing_errors=[text for texts in error.message_dict.values() for text in texts],
            )
        messages.success(request, _("Your concern was filed with the ministry."))
        return redirect("concerns:detail", public_id=concern.public_id)
    messages.success(request, _("Draft saved."))
    return redirect("concerns:edit", public_id=concern.public_id)


def _receipt(concern: Concern):
    """The concern's signed filing receipt, or None while it is being prepared (or for a draft)."""
    return concern.records.filter(kind=RecordKind.CONCERN).first()


@role_required(Role.RIGHTS_HOLDER)
def concern_detail(request, public_id):
    """The filer's follow-up: state, history and, once linked and issued, the public progress."""
    concern = selectors.get_concern_for(request.user, public_id)
    if concern.is_draft:
        return redirect("concerns:edit", public_id=concern.public_id)
    return render(
        request,
        "concerns/detail.html",
        {
            "concern": concern,
            "history": selectors.filer_history(concern),
            "progress": selectors.public_progress(concern),
            "pending": selectors.linked_request_pending(concern),
            "receipt": _receipt(concern),
            "withdraw_form": WithdrawForm() if concern.state in ("new", "under_assessment", "linked") else None,
        },
    )


@require_POST
@role_required(Role.RIGHTS_HOLDER)
def concern_withdraw(request, public_id):
    concern = selectors.get_concern_for(request.user, public_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    services.withdraw_concern(concern=concern, by=request.user, message=form.cleaned_data["message"])
    messages.success(request, _("Your concern was withdrawn."))
    return redirect("concerns:detail", public_id=concern.public_id)


@login_required
def evidence_download(request, public_id, evidence_id):
    """A file, to the filer's organisation and to the ministry the concern was filed with; 404 otherwise."""
    if not request.user.has_role(Role.RIGHTS_HOLDER, *MINISTRY):
        raise PermissionDenied
    concern = selectors.get_concern_for(request.user, public_id)
    evidence = selectors.get_evidence_for(request.user, concern, evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def receipt_download(request, public_id):
    """The signed filing receipt, to the filer's organisation and the ministry it was filed with; 404 otherwise.

    Served only after its stored file passed its SHA-256 against the record (the hash the log holds).
    """
    if not request.user.has_role(Role.RIGHTS_HOLDER, *MINISTRY):
        raise PermissionDenied
    concern = selectors.get_concern_for(request.user, public_id)
    record = _receipt(concern)
    if record is None:
        raise Http404
    checked = verified_copy(record)
    if checked is None:
        logger.error(
            "Receipt %s of concern %s: the stored file %s is missing or its SHA-256 is not %s; download refused.",
            record.public_id,
            concern.reference,
            record.file.name,
            record.sha256,
        )
        services.note_receipt_integrity_failure(concern=concern, record=record, by=request.user)
        response = render(request, "records/integrity_failed.html", {"record": record}, status=410)
        response["Cache-Control"] = "no-store"
        return response
    response = FileResponse(checked, content_type="application/pdf", as_attachment=True, filename=record.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.RIGHTS_HOLDER)
def watch_terms(request):
    form = WatchTermForm()
    status = 200
    if request.method == "POST":
        form = WatchTermForm(request.POST)
        if form.is_valid():
            try:
                services.add_watch_term(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The term is watched from now on."))
                return redirect("concerns:watch")
        status = 400
    return render(
        request,
        "concerns/watch.html",
        {
            "form": form,
            "terms": selectors.watch_terms_of(request.user),
            "matches": selectors.recent_matches(request.user),
        },
        status=status,
    )


@require_POST
@role_required(Role.RIGHTS_HOLDER)
def watch_term_remove(request, public_id):
    term = selectors.get_watch_term_for(request.user, public_id)
    services.remove_watch_term(term=term, by=request.user)
    messages.success(request, _("The term is no longer watched."))
    return redirect("concerns:watch")


# The ministry's side


@role_required(*MINISTRY)
def triage_queue(request):
    state = request.GET.get("state", "")
    filters = selectors.QueueFilter(
        state=state if state in State.values and state != State.DRAFT else "",
        developer_slug=request.GET.get("developer", ""),
        mine=request.GET.get("mine") == "1",
        overdue=request.GET.get("overdue") == "1",
        include_closed=request.GET.get("closed") == "1",
    )
    return render(
        request,
        "concerns/triage_queue.html",
        {
            "concerns": selectors.triage_queue(request.user, filters),
            "filters": filters,
            "states": [c for c in State.choices if c[0] != State.DRAFT],
            "developers": Organisation.objects.filter(kind=Organisation.Kind.DEVELOPER),
        },
    )


def _triage_context(request, concern, **forms):
    group_primary = concern.merged_into or concern
    return {
        "concern": concern,
        "primary": group_primary,
        "duplicates": list(group_primary.duplicates.all()) if group_primary else [],
        "links": concern.links.select_related("request"),
        "history": concern.events.select_related("actor"),
        "assign_form": forms.get("assign")
        or AssignForm(
            ministry=concern.ministry, initial={"assignee": concern.assignee_id, "due_date": concern.due_date}
        ),
        "no_action_form": forms.get("no_action") or NoActionForm(),
        "link_form": forms.get("link") or ReferenceForm(prefix="link"),
        "merge_form": forms.get("merge") or ReferenceForm(prefix="merge"),
        "may_triage": services.may_triage(request.user, concern),
        "receipt": _receipt(concern),
    }


@role_required(*MINISTRY)
def triage_detail(request, public_id):
    concern = selectors.get_concern_for(request.user, public_id)
    return render(request, "concerns/triage_detail.html", _triage_context(request, concern))


TRIAGE_ACTIONS = ("assign", "assess", "no-action", "link", "merge", "open-request")


@require_POST
@role_required(*MINISTRY)
def triage_action(request, public_id, action):
    concern = selectors.get_concern_for(request.user, public_id)
    if action not in TRIAGE_ACTIONS:
        raise Http404
    forms = {}
    try:
        if action == "assign":
            form = forms["assign"] = AssignForm(request.POST, ministry=concern.ministry)
            if form.is_valid():
                services.assign_concern(concern=concern, by=request.user, **form.cleaned_data)
                messages.success(request, _("Assignment saved."))
        elif action == "assess":
            services.start_assessment(concern=concern, by=request.user)
            messages.success(request, _("The concern is under assessment."))
        elif action == "no-action":
            form = forms["no_action"] = NoActionForm(request.POST)
            if form.is_valid():
                services.close_without_action(concern=concern, by=request.user, **form.cleaned_data)
                messages.success(request, _("Closed without action; the filer will be told."))
        elif action == "link":
            form = forms["link"] = ReferenceForm(request.POST, prefix="link")
            if form.is_valid():
                try:
                    target = selectors.linkable_requests(request.user).get(
                        reference=form.cleaned_data["reference"].strip()
                    )
                except DisclosureRequest.DoesNotExist:
                    form.add_error("reference", _("No request of your ministry has this reference."))
                else:
                    services.link_to_request(concern=concern, by=request.user, request=target)
                    messages.success(request, _("Linked to %(ref)s.") % {"ref": target.reference})
        elif action == "merge":
            form = forms["merge"] = ReferenceForm(request.POST, prefix="merge")
            if form.is_valid():
                duplicate = (
                    selectors.concerns_visible_to(request.user)
                    .filter(reference=form.cleaned_data["reference"].strip())
                    .first()
                )
                if duplicate is None:
                    form.add_error("reference", _("No concern filed with your ministry has this reference."))
                else:
                    services.merge_concerns(primary=concern, duplicate=duplicate, by=request.user)
                    messages.success(request, _("Merged %(ref)s into this concern.") % {"ref": duplicate.reference})
        elif action == "open-request":
            disclosure = services.open_request_from(concern=concern, by=request.user, ip=client_ip(request))
            messages.success(request, _("A draft request was opened from the concern. Check it before issuing."))
            return redirect("official:request_edit", public_id=disclosure.public_id)
    except ValidationError as error:
        target_form = next(iter(forms.values()), None)
        if target_form is not None:
            _add_errors(target_form, error)
        else:
            for text in error.messages:
                messages.error(request, text)
            return redirect("concern_triage:detail", public_id=concern.public_id)
    if any(form.errors for form in forms.values()):
        concern.refresh_from_db()
        return render(request, "concerns/triage_detail.html", _triage_context(request, concern, **forms), status=400)
    return redirect(reverse("concern_triage:detail", kwargs={"public_id": concern.public_id}))
