"""Record downloads (permission-checked) and the officials' retry of a failed record job."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from disclosures.models import RecordJob, Variant
from disclosures.records.integrity import verified_copy
from disclosures.selectors.records import record_for_download
from disclosures.selectors.requests import requests_visible_to
from disclosures.services.audit import record_event, record_read
from disclosures.services.records import retry_record_job
from disclosures.states import MINISTRY
from portal.accounts.net import client_ip

logger = logging.getLogger(__name__)


def download(request, public_id):
    record = record_for_download(request.user, public_id)
    if record.variant != Variant.PUBLIC:
        record_read(
            http_request=request, disclosure=record.request, what="record", data={"record": str(record.public_id)}
        )
    checked = verified_copy(record)
    if checked is None:
        return _integrity_failed(request, record)
    response = FileResponse(checked, content_type="application/pdf", as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    response["Cache-Control"] = "private, no-store" if record.variant != Variant.PUBLIC else "public, max-age=3600"
    return response


def _integrity_failed(request, record):
    """Never serve a file that is not the one signed and logged: say so, alert the operators, keep a trace."""
    logger.error(
        "Record %s (%s): the stored file %s is missing or its SHA-256 is not %s; download refused.",
        record.public_id,
        record.variant,
        record.file.name,
        record.sha256,
    )
    record_event(
        action="record_integrity_failed",
        actor=request.user,
        request=record.request,
        ip=client_ip(request),
        data={"record": str(record.public_id), "file": record.file.name},
    )
    # 410: the signed file is gone from this address; a 5xx would be retried and cached as an outage.
    response = render(request, "records/integrity_failed.html", {"record": record}, status=410)
    response["Cache-Control"] = "no-store"
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
