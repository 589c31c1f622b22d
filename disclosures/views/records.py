"""Record downloads (permission-checked) and the officials' retry of a failed record job."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosures.models import RecordJob, Variant
from disclosures.selectors.records import record_for_download
from disclosures.selectors.requests import requests_visible_to
from disclosures.services.audit import record_read
from disclosures.services.records import retry_record_job
from disclosures.states import MINISTRY


def download(request, public_id):
    record = record_for_download(request.user, public_id)
    if record.variant != Variant.PUBLIC:
        record_read(
            http_request=request, disclosure=record.request, what="record", data={"record": str(record.public_id)}
        )
    response = FileResponse(record.file.open("rb"), content_type="application/pdf", as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    response["Cache-Control"] = "private, no-store" if record.variant != Variant.PUBLIC else "public, max-age=3600"
    return response


@require_POST
def retry(request, public_id):
    if not request.user.is_authenticated or request.user.role not in MINISTRY:
        raise Http404
    job = RecordJob.objects.filter(public_id=public_id, request__in=requests_visible_to(request.user)).first()
    if job is None:
        raise Http404
    try:
        retry_record_job(job=job, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The record is being prepared again."))
    return redirect("official:request_detail", public_id=job.request.public_id)
