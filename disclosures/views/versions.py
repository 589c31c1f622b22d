"""Submitted versions, seen by both parties: one version in full, two side by side, and attached files."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render

from disclosures.selectors import answers as selectors
from disclosures.selectors.requests import get_request_for
from disclosures.services.audit import record_read
from disclosures.states import DEVELOPER, MINISTRY


def _party(request) -> str:
    """The side whose URLs were used ("official" or "developer"); each side opens only its own."""
    audience = request.resolver_match.namespace
    roles = MINISTRY if audience == "official" else DEVELOPER
    if not request.user.has_role(*roles):
        raise PermissionDenied
    return audience


@login_required
def compare(request, public_id):
    audience = _party(request)
    disclosure = get_request_for(request.user, public_id)
    versions = list(selectors.versions_of(disclosure))
    old = new = None
    rows = []
    if len(versions) >= 2:
        try:
            a = int(request.GET.get("a", versions[-2].number))
            b = int(request.GET.get("b", versions[-1].number))
        except ValueError:
            a, b = versions[-2].number, versions[-1].number
        old, new = selectors.get_version(disclosure, a), selectors.get_version(disclosure, b)
        rows = selectors.compare(old, new)
        record_read(http_request=request, disclosure=disclosure, what="comparison", data={"versions": [a, b]})
    return render(
        request,
        "answers/compare.html",
        {
            "disclosure": disclosure,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows,
            "changed_count": sum(1 for row in rows if row.changed),
            "audience": audience,
        },
    )


@login_required
def version_detail(request, public_id, number: int):
    audience = _party(request)
    disclosure = get_request_for(request.user, public_id)
    version = selectors.get_version(disclosure, number)
    record_read(http_request=request, disclosure=disclosure, what="answers", data={"version": version.number})
    return render(
        request,
        "answers/version.html",
        {
            "disclosure": disclosure,
            "version": version,
            "answers": selectors.readable(version.answers, questions=selectors.question_texts(disclosure)),
            "versions": selectors.versions_of(disclosure),
            "audience": audience,
        },
    )


@login_required
def attachment_download(request, public_id, attachment_id):
    """A file, to the developer who attached it or, once submitted, to the requesting ministry; 404 otherwise."""
    _party(request)
    disclosure = get_request_for(request.user, public_id)
    attachment = selectors.get_attachment_for(request.user, disclosure, attachment_id)
    return serve_attachment(request, disclosure, attachment)


def serve_attachment(http_request, disclosure, attachment) -> FileResponse:
    """The file, with the read audited: for the browser and the API alike, after their permission checks."""
    record_read(
        http_request=http_request,
        disclosure=disclosure,
        what="attachment",
        data={"attachment": str(attachment.public_id), "tier": attachment.tier},
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
