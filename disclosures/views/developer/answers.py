"""The developer's answer workspace: a page per section (save, autosave, files), review, submit, JSON import, export.

Each section posts only its own fields; the view merges them into the saved draft (workspace.merge_part)
and saves the whole document through services.responses.save_draft, so the other sections stay as saved.
"""

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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from disclosures import spreadsheets
from disclosures.answer.vocabularies import FILTER_KINDS, SOURCE_KINDS
from disclosures.forms.answers import AnswerForms, AttachmentUploadForm, ImportForm
from disclosures.models import Tier
from disclosures.permissions import may_transition
from disclosures.selectors import answers as selectors
from disclosures.selectors.requests import get_request_for
from disclosures.services import responses as services
from disclosures.services.errors import InvalidTransition
from disclosures.services.requests import submit_response
from disclosures.spreadsheets import SHEET_SECTIONS
from disclosures.states import DEVELOPER, Action, State
from disclosures.views.developer import workspace
from disclosures.views.transitions import is_confirmed
from portal.accounts.decorators import role_required
from portal.accounts.net import client_ip

STASH_TICKET_FIELD = "stash_ticket"
MAX_BLANK_ROWS = 5
ROW_KINDS = {"sources": SOURCE_KINDS, "output_filters": FILTER_KINDS}
ROW_TITLES = {"sources": gettext_lazy("Source"), "output_filters": gettext_lazy("Output filter")}


def _is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


def keep_unsaved_input(view):
    """When the session expired while typing, stash the posted answers and restore them after sign-in.

    Only input that carries the stash ticket the answer page gave its signed-in author is kept, and only
    while that author may still edit the request's answers: a visitor without one stores nothing. The
    restored input goes back to the section it was typed in.
    """

    @wraps(view)
    def wrapped(request, public_id, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            token = _stash(request, public_id)
            target = request.path
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


def _can_submit(user, disclosure) -> bool:
    return any(
        may_transition(user, disclosure, action) and disclosure.state in sources
        for action, sources in (
            (Action.SUBMIT, {State.ISSUED, State.ACKNOWLEDGED}),
            (Action.RESUBMIT, {State.CLARIFICATION_REQUESTED}),
        )
    )


def _common(request, disclosure, draft) -> dict:
    editable = services.may_edit_answers(request.user, disclosure)
    notes = selectors.ministry_notes(disclosure)
    return {
        "disclosure": disclosure,
        "draft": draft,
        "saved_at": _saved_at(draft),
        "editable": editable,
        "can_submit": _can_submit(request.user, disclosure),
        "menu": workspace.menu(disclosure, draft, notes),
        "notes": notes,
        "versions": selectors.versions_of(disclosure),
    }


def _blank_rows(request) -> int:
    try:
        return max(1, min(MAX_BLANK_ROWS, int(request.GET.get("blank", 1))))
    except ValueError:
        return 1


def _render_section(request, disclosure, draft, key, forms, *, revision, status=200, row_page=None, **extra):
    part = workspace.find_part(forms, key)
    keys = [k for k, _t in workspace.part_keys(disclosure)]
    position = keys.index(key)
    context = {
        **_common(request, disclosure, draft),
        "key": key,
        "part": part,
        "revision": revision,
        "row_page": row_page,
        "row_kinds": ROW_KINDS.get(key, ()),
        "sheet": key in SHEET_SECTIONS,
        "next_key": keys[position + 1] if position + 1 < len(keys) else "",
        "title": part.title if part is not None else _("Attachments"),
        "row_title": ROW_TITLES.get(key, ""),
        "row_offset": max(row_page.page.start_index() - 1, 0) if row_page is not None else 0,
        **extra,
    }
    context["section_notes"] = [note for note in context["notes"] if note.section == key]
    context["section_has_rejected_claims"] = any(note.rejected_claim for note in context["section_notes"])
    if context["editable"]:
        context["stash_ticket"] = services.stash_ticket(user=request.user, request=disclosure)
    if key == workspace.ATTACHMENTS:
        context["upload_form"] = extra.get("upload_form") or AttachmentUploadForm()
        context["attachments"] = selectors.draft_attachments(disclosure)
    return render(request, "developer/answer_section.html", context, status=status)


def _page_of(request, draft, key):
    """The page of a row list the request asks for, or None for a section without rows."""
    if key not in ROW_KINDS:
        return None
    return workspace.row_page(
        workspace.with_row_ids(draft.answers.get(key)),
        text=request.GET.get("q", "").strip()[:200],
        kind=request.GET.get("kind", "") if request.GET.get("kind", "") in dict(ROW_KINDS[key]) else "",
        number=request.GET.get("page", 1),
    )


def _section_forms(disclosure, draft, key, row_page, blank_rows, data=None) -> AnswerForms:
    if data is None:
        rows = row_page.rows if row_page is not None else None
        data = workspace.section_data(disclosure, draft.answers, key, rows, blank_rows)
    return AnswerForms(disclosure, data)


@keep_unsaved_input
@role_required(*DEVELOPER)
def answers(request, public_id):
    """The old one-page address: opens the first section; a post of the whole answer still saves it all."""
    disclosure = get_request_for(request.user, public_id)
    keys = [key for key, _title in workspace.part_keys(disclosure) if key != workspace.ATTACHMENTS]
    if request.method == "POST":
        if not services.may_edit_answers(request.user, disclosure):
            raise PermissionDenied
        return _save_parts(request, disclosure, services.draft_for(disclosure), keys, keys[0], whole=True)
    target = workspace.section_url(disclosure, keys[0])
    return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)


@keep_unsaved_input
@role_required(*DEVELOPER)
def answer_section(request, public_id, section):
    disclosure = get_request_for(request.user, public_id)
    if section not in dict(workspace.part_keys(disclosure)):
        raise Http404
    draft = services.draft_for(disclosure)
    if request.method == "POST":
        if not services.may_edit_answers(request.user, disclosure):
            raise PermissionDenied
        if section == workspace.ATTACHMENTS:
            return _save_attachments(request, disclosure, draft)
        return _save_parts(request, disclosure, draft, [section], section)
    row_page = _page_of(request, draft, section)
    restored = None
    if request.GET.get("restore"):
        restored = services.take_stashed_input(request=disclosure, by=request.user, token=request.GET["restore"])
    if restored is not None:
        data = MultiValueDict(restored)
        messages.info(request, _("Your unsaved input was restored after signing in. Save to keep it."))
        forms = _section_forms(disclosure, draft, section, row_page, 1, data)
        part = workspace.find_part(forms, section)
        if part is not None:
            workspace.part_is_valid(part)
        revision = data.get("revision", draft.revision)
    else:
        forms = _section_forms(disclosure, draft, section, row_page, _blank_rows(request))
        revision = draft.revision
    return _render_section(request, disclosure, draft, section, forms, revision=revision, row_page=row_page)


def _revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _save_parts(request, disclosure, draft, keys, key, *, whole=False):
    """Merge the posted sections `keys` into the draft and save it; `key` is the section page to show.

    `whole`: the post holds every row of each list (the old one-page form), not a page of them.
    """
    autosave = _is_autosave(request)
    revision = _revision(request)
    if revision is None:
        return HttpResponseBadRequest("revision")
    forms = AnswerForms(disclosure, request.POST, extra_rows=request.POST.get("add_row", ""))
    parts = [workspace.find_part(forms, name) for name in keys]
    row_page = _page_of(request, draft, key)
    if not all([workspace.part_is_valid(part) for part in parts]):
        problems = workspace.part_problems(forms, keys)
        if autosave:
            payload = [{"anchor": p.anchor, "label": p.label, "message": p.message} for p in problems]
            return JsonResponse({"status": "invalid", "problems": payload}, status=400)
        key = spreadsheets.part_key(problems[0].path) if problems and problems[0].path else key
        return _render_section(
            request, disclosure, draft, key, forms, revision=revision, status=400, row_page=row_page, invalid=problems
        )
    mine, new_ids = draft.answers, {}
    for part in parts:
        mine = workspace.merge_part(mine, part, whole=whole, new_ids=new_ids)
    try:
        draft = services.save_draft(request=disclosure, by=request.user, answers=mine, revision=revision)
    except services.DraftConflict as conflict:
        theirs = conflict.draft
        if autosave:
            return JsonResponse({"status": "conflict", "revision": theirs.revision}, status=409)
        differences = [row for row in selectors.compare_documents(theirs.answers, mine) if row.changed]
        return _render_section(
            request,
            disclosure,
            theirs,
            key,
            forms,
            revision=theirs.revision,
            status=409,
            row_page=row_page,
            conflict={"by": theirs.updated_by, "at": _saved_at(theirs), "differences": differences},
        )
    except ValidationError as error:
        # The posted sections were valid; the saved rest of the draft no longer is (a changed definition).
        if autosave:
            return JsonResponse({"status": "invalid", "problems": []}, status=400)
        for text in error.messages:
            messages.error(request, text)
        return _render_section(request, disclosure, draft, key, forms, revision=revision, status=400, row_page=row_page)
    if autosave:
        return JsonResponse(
            {"status": "saved", "revision": draft.revision, "saved_at": _saved_at(draft), "row_ids": new_ids}
        )
    messages.success(request, _("Saved."))
    return redirect(_after_save(request, disclosure, key))


def _after_save(request, disclosure, key) -> str:
    if request.POST.get("next"):
        keys = [k for k, _t in workspace.part_keys(disclosure)]
        position = keys.index(key)
        if position + 1 < len(keys):
            return workspace.section_url(disclosure, keys[position + 1])
        return reverse("developer:answer_review", args=[disclosure.public_id])
    query = {name: request.GET[name] for name in ("q", "kind", "page") if request.GET.get(name)}
    target = workspace.section_url(disclosure, key)
    anchor = request.POST.get("add_row", "")
    if anchor:
        query["blank"] = str(_blank_rows(request) + 1)
    if query:
        target += "?" + urlencode(query)
    return f"{target}#rows-{anchor}" if anchor else target


def _save_attachments(request, disclosure, draft):
    upload_form = AttachmentUploadForm(request.POST, request.FILES)
    target = workspace.section_url(disclosure, workspace.ATTACHMENTS)
    if request.POST.get("remove_attachment"):
        try:
            attachment_id = uuid.UUID(request.POST["remove_attachment"])
        except ValueError:
            return _render_section(
                request,
                disclosure,
                draft,
                workspace.ATTACHMENTS,
                AnswerForms(disclosure),
                revision=draft.revision,
                status=400,
                attachment_error=_("This file is not attached to the answer."),
            )
        attachment = selectors.get_attachment_for(request.user, disclosure, attachment_id)
        services.remove_attachment(attachment=attachment, by=request.user)
        messages.success(request, _("The file %(name)s was removed.") % {"name": attachment.original_name})
        return redirect(target)
    if upload_form.is_valid() and upload_form.cleaned_data["attachment"]:
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
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for text in errors:
                    upload_form.add_error(field if field in upload_form.fields else None, text)
        else:
            messages.success(request, _("The file %(name)s was attached.") % {"name": data["attachment"].name})
            return redirect(target)
    elif upload_form.is_valid():
        upload_form.add_error("attachment", _("Choose a file to attach."))
    forms = AnswerForms(disclosure)
    return _render_section(
        request,
        disclosure,
        draft,
        workspace.ATTACHMENTS,
        forms,
        revision=draft.revision,
        status=400,
        upload_form=upload_form,
    )


@role_required(*DEVELOPER)
@require_GET
def review(request, public_id):
    """Everything that will be sent, what the public may see once published, and what is claimed confidential."""
    disclosure = get_request_for(request.user, public_id)
    draft = services.draft_for(disclosure)
    return _render_review(request, disclosure, draft, workspace.submission_problems(disclosure, draft))


# Rows shown in full per list on the review page; the rest are counted (the spreadsheet holds them all).
REVIEW_ROWS = 100


def _review_items(answers, titles: dict) -> tuple[list[dict], list[dict]]:
    """The answers to show (at most REVIEW_ROWS rows per list, the last one saying how many more) and row counts."""
    shown, counts = [], {}
    for answer in answers:
        if answer.level == 3:
            title = titles.get(answer.group, answer.group)
            group = counts.setdefault(answer.group, {"public": 0, "claimed": 0, "title": title, "items": []})
            group["claimed" if answer.is_claim else "public"] += 1
            group["items"].append(answer)
            if len(group["items"]) > REVIEW_ROWS:
                continue
        shown.append({"answer": answer, "more": 0})
    for group in counts.values():
        hidden = len(group["items"]) - REVIEW_ROWS
        if hidden > 0:
            last = group["items"][REVIEW_ROWS - 1]
            next(item for item in shown if item["answer"] is last)["more"] = hidden
    return shown, list(counts.values())


def _render_review(request, disclosure, draft, problems, status=200):
    document = workspace.printable(draft.answers)
    answers = selectors.readable(document, questions=selectors.question_texts(disclosure))
    attachments = list(selectors.draft_attachments(disclosure))
    titles = dict(workspace.part_keys(disclosure))
    shown, row_counts = _review_items(answers, titles)
    claimed = [a for a in answers if a.is_claim]
    claimed_files = [a for a in attachments if a.tier != Tier.PUBLIC]
    context = {
        **_common(request, disclosure, draft),
        "shown": shown,
        "row_counts": row_counts,
        "public": [a for a in answers if not a.is_claim],
        "claimed": claimed,
        "claimed_count": len(claimed) + len(claimed_files),
        "attachments": attachments,
        "public_files": [a for a in attachments if a.tier == Tier.PUBLIC],
        "claimed_files": claimed_files,
        "problems": [
            {
                "problem": problem,
                "section": titles.get(spreadsheets.part_key(problem.path), problem.section),
                "url": workspace.section_url(disclosure, spreadsheets.part_key(problem.path))
                + (f"#{problem.anchor}" if problem.anchor else ""),
            }
            for problem in problems
        ],
        "import_form": ImportForm(initial={"revision": draft.revision}),
    }
    context["noted"] = [
        {
            "note": note,
            "section": titles.get(note.section, note.section),
            "url": workspace.section_url(disclosure, note.section),
        }
        for note in context["notes"]
        if note.section in titles
    ]
    return render(request, "developer/answer_review.html", context, status=status)


@role_required(*DEVELOPER)
@require_POST
def submit(request, public_id):
    disclosure = get_request_for(request.user, public_id)
    if not may_transition(request.user, disclosure, Action.SUBMIT):
        raise PermissionDenied
    if not is_confirmed(request):
        # The review page is the confirmation step: it shows what is sent and what becomes public.
        return redirect("developer:answer_review", public_id=disclosure.public_id)
    try:
        submit_response(request=disclosure, by=request.user, ip=client_ip(request))
    except services.IncompleteAnswer:
        draft = services.draft_for(disclosure)
        # Read again for the pointers that place each problem in its section (the service may not give them).
        return _render_review(request, disclosure, draft, workspace.submission_problems(disclosure, draft), status=400)
    except (InvalidTransition, ValidationError) as error:
        for text in error.messages if isinstance(error, ValidationError) else [str(error)]:
            messages.error(request, text)
        return redirect("developer:answer_review", public_id=disclosure.public_id)
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
    target = redirect("developer:answer_review", public_id=disclosure.public_id)
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
