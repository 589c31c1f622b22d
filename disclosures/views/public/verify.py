"""The public verify page: upload a PDF, learn whether its signature holds and where it is logged.

The upload is read into memory and never written anywhere: a bounded in-memory upload handler
replaces Django's default ones (which spill large files to a temporary file).
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from disclosures.models import LogEntry, RecordKind
from disclosures.selectors.log import log_evidence

# pyHanko's validator is imported on the first check: a web process that never checks a PDF never loads it.
if TYPE_CHECKING:
    from disclosures.records.verify import Verification


class BoundedMemoryUploadHandler(MemoryFileUploadHandler):
    """Keep the upload in memory whatever its size, and stop reading past the configured limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True
        self.too_large = content_length is not None and content_length > settings.VERIFY_UPLOAD_MAX_BYTES

    def receive_data_chunk(self, raw_data, start):
        if self.too_large or start + len(raw_data) > settings.VERIFY_UPLOAD_MAX_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


# What a check found, worst first; each outcome has one sentence in the reader's language.
UNREADABLE = "unreadable"
UNSIGNED = "unsigned"
UNVERIFIABLE = "unverifiable"
ALTERED = "altered"
UNTRUSTED = "untrusted"
NOT_LOGGED = "not_logged"
LOGGED = "logged"


def outcome(result: "Verification", log_entry: LogEntry | None) -> str:
    """The one conclusion a visitor needs from a check.

    A file signed with the portal's key whose signature no longer matches, or that has content after the
    signed part, was altered: saying "not signed by a key the portal trusts" would send the visitor after
    the wrong question.
    """
    if not result.readable:
        return UNREADABLE
    if not result.signed:
        return UNSIGNED
    if not result.signer:
        return UNVERIFIABLE  # the validator could not even read the signature
    if result.portal_certificate and not (result.intact and result.unchanged):
        return ALTERED
    if not result.portal_certificate:
        return UNTRUSTED
    if not result.valid:
        return UNVERIFIABLE
    return LOGGED if log_entry is not None else NOT_LOGGED


def outcome_sentence(code: str, log_entry: LogEntry | None = None) -> str:
    if code == LOGGED:
        return _(
            "This record is genuine: the portal signed it, it has not been changed since, "
            "and the public log holds it as entry #%(index)s."
        ) % {"index": log_entry.index}
    return {
        UNREADABLE: _("This file could not be read as a PDF, so it cannot be a record of the portal."),
        UNSIGNED: _("This PDF has no digital signature, so it is not a record signed by the portal."),
        UNVERIFIABLE: _("The signature in this PDF is damaged or incomplete and could not be checked."),
        ALTERED: _("This file was changed after the portal signed it: it is not the record the portal issued."),
        UNTRUSTED: _(
            "This file was signed with a key the portal does not trust: it is not a record signed by the portal."
        ),
        NOT_LOGGED: _(
            "This record is genuine: the portal signed it and it has not been changed since. It is not in the "
            "public log (yet): new records are logged within minutes, and a complete version for the two "
            "parties is never logged (its public counterpart is)."
        ),
    }[code]


@csrf_exempt
def verify(request):
    # Upload handlers must be set before the body is read, which the CSRF check would do first.
    handler = BoundedMemoryUploadHandler(request)
    handler.too_large = False
    request.upload_handlers = [handler]
    return _verify(request, handler)


@csrf_protect
def _verify(request, handler):
    context = {"max_mb": settings.VERIFY_UPLOAD_MAX_BYTES // (1024 * 1024), "result": None, "error": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if handler.too_large:
            context["error"] = _("The file is larger than %(mb)s MB.") % {"mb": context["max_mb"]}
            status = 413
        elif upload is None:
            context["error"] = _("Choose a PDF file to check.")
            status = 400
        else:
            from disclosures.records.verify import logged_sha256, verify_pdf

            result = verify_pdf(upload.read())
            context["result"] = result
            evidence = log_evidence(logged_sha256(result), request.POST.get("checkpoint", "")[:4096])
            context["log_entry"] = evidence.entry
            context["log"] = evidence
            code = outcome(result, evidence.entry)
            context["outcome"] = code
            context["outcome_sentence"] = outcome_sentence(code, evidence.entry)
            if evidence.entry is not None:
                kind = evidence.entry.kind
                context["log_entry_kind"] = RecordKind(kind).label if kind in RecordKind.values else kind
    return render(request, "public/verify.html", context, status=status)
