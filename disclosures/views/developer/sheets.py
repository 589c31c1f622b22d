"""Sources and output filters as a spreadsheet: the empty template, the draft's rows, and an all-or-nothing import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from disclosures import spreadsheets
from disclosures.selectors.requests import get_request_for
from disclosures.services import responses as services
from disclosures.states import DEVELOPER
from disclosures.views.developer import workspace
from portal.accounts.decorators import role_required

CONTENT_TYPES = {"xlsx": spreadsheets.XLSX_CONTENT_TYPE, "csv": "text/csv; charset=utf-8"}


def _sheet_request(request, public_id, section, file_format):
    disclosure = get_request_for(request.user, public_id)
    if section not in spreadsheets.SHEET_SECTIONS or section not in disclosure.sections:
        raise Http404
    if file_format not in spreadsheets.FORMATS:
        raise Http404
    return disclosure


def _download(content: bytes, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*DEVELOPER)
@require_GET
def template(request, public_id, section, file_format):
    """An empty sheet with the headings, in Japanese or English (`?lang=`; the page's language otherwise)."""
    disclosure = _sheet_request(request, public_id, section, file_format)
    language = request.GET.get("lang")
    language = language if language in spreadsheets.LANGUAGES else translation.get_language()
    with translation.override(language):
        content = spreadsheets.export_sheet(section, [], file_format)
    return _download(content, file_format, f"{disclosure.reference}-{section}-template-{language}")


@role_required(*DEVELOPER)
@require_GET
def export(request, public_id, section, file_format):
    disclosure = _sheet_request(request, public_id, section, file_format)
    rows = services.draft_for(disclosure).answers.get(section) or []
    content = spreadsheets.export_sheet(section, rows, file_format)
    return _download(content, file_format, f"{disclosure.reference}-{section}")


@role_required(*DEVELOPER)
@require_POST
def import_rows(request, public_id, section):
    disclosure = get_request_for(request.user, public_id)
    if section not in spreadsheets.SHEET_SECTIONS or section not in disclosure.sections:
        raise Http404
    if not services.may_edit_answers(request.user, disclosure):
        raise PermissionDenied
    target = workspace.section_url(disclosure, section)
    upload = request.FILES.get("sheet")
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = None
    if upload is None or revision is None:
        messages.error(request, _("Choose a spreadsheet (.xlsx or .csv) to import."))
        return redirect(target)
    if upload.size > spreadsheets.max_bytes():
        problems = [spreadsheets.SheetProblem(spreadsheets.too_large_message())]
        return _refused(request, disclosure, section, problems)
    try:
        draft = spreadsheets.import_sheet(
            request=disclosure,
            by=request.user,
            section=section,
            name=upload.name or "",
            data=upload.read(),
            revision=revision,
        )
    except spreadsheets.SheetInvalid as invalid:
        return _refused(request, disclosure, section, invalid.problems)
    except services.DraftConflict:
        messages.error(request, _("The draft was saved by someone else meanwhile. Reload it and import again."))
        return redirect(target)
    count = len(draft.answers.get(section) or [])
    messages.success(request, _("The spreadsheet was imported: %(n)s rows.") % {"n": f"{count:,}"})
    return redirect(target)


def _refused(request, disclosure, section, problems):
    return render(
        request,
        "developer/sheet_refused.html",
        {
            "disclosure": disclosure,
            "section": section,
            "title": dict(workspace.part_keys(disclosure)).get(section, section),
            "problems": problems,
            "back": workspace.section_url(disclosure, section),
        },
        status=400,
    )
