"""The public verify page: upload a PDF, learn whether its signature holds and where it is logged.

The upload is read into memory and never written anywhere: a bounded in-memory upload handler
replaces Django's default ones (which spill large files to a temporary file).
"""

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from disclosures.records.verify import verify_pdf
from disclosures.selectors.log import log_evidence


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
            result = verify_pdf(upload.read())
            context["result"] = result
            evidence = log_evidence(result.sha256, request.POST.get("checkpoint", "")[:4096])
            context["log_entry"] = evidence.entry
            context["log"] = evidence
    return render(request, "public/verify.html", context, status=status)
