"""The operator page for platform administrators: workers, queues, beat and record jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from disclosures.models import RecordJob
from disclosures.services.records import retry_record_job
from portal.operations import status
from portal.operations.beat import last_beat_run
from portal.operations.services import is_platform_operator

JOBS_SHOWN = 50


def _operator_only(request) -> None:
    # Anyone else learns nothing of the page (404, not 403).
    if not is_platform_operator(request.user):
        raise Http404


@never_cache
@login_required
def dashboard(request):
    _operator_only(request)
    context = {"broker": status.broker_configured(), "workers": None, "queues": None, "broker_error": None}
    if context["broker"]:
        try:
            context["workers"] = status.live_workers()
            context["queues"] = status.queue_lengths()
        except OSError as error:
            context["broker_error"] = type(error).__name__
        served = {queue for worker in context["workers"] or [] for queue in worker.queues}
        context["unserved_queues"] = [queue for queue in status.QUEUES if queue not in served]
    beat = last_beat_run()
    if beat:
        beat = {"task": beat["task"], "at": parse_datetime(beat["at"])}
    jobs = RecordJob.objects.select_related("request", "concern").order_by("created_at", "id")
    in_progress = jobs.filter(status__in=[RecordJob.Status.PENDING, RecordJob.Status.RUNNING])
    failed = jobs.filter(status=RecordJob.Status.FAILED)
    context |= {
        "beat": beat,
        "in_progress_count": in_progress.count(),
        "in_progress": in_progress[:JOBS_SHOWN],
        "failed_count": failed.count(),
        "failed": failed[:JOBS_SHOWN],
    }
    return render(request, "operator/dashboard.html", context)


@require_POST
@login_required
def retry(request, public_id):
    _operator_only(request)
    job = get_object_or_404(RecordJob.objects.select_related("request"), public_id=public_id)
    job = retry_record_job(job=job, by=request.user)
    if job.status == RecordJob.Status.FAILED:
        messages.error(request, _("The record job could not be queued again."))
    else:
        messages.success(request, _("The record job is queued again."))
    return redirect("operator:dashboard")
