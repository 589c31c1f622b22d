"""The operator's one state change: putting a failed record job back in the queue."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures.models import RecordJob
from disclosures.services.audit import record_event
from portal.accounts.models import User


def is_platform_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def retry_failed_record_job(*, job: RecordJob, by: User) -> RecordJob:
    """A platform administrator re-queues a failed job (after fixing what made it fail); audited.

    disclosures.services.records.retry_record_job is the ministry officials' path and admits only the
    request's own ministry; this is the same conditional FAILED -> PENDING update and on-commit enqueue
    for the platform's staff, who belong to no ministry.
    """
    from disclosures.services import records

    if not is_platform_operator(by):
        raise PermissionDenied(_("Only platform administrators can retry record jobs here."))
    with transaction.atomic():
        updated = RecordJob.objects.filter(pk=job.pk, status=RecordJob.Status.FAILED).update(
            status=RecordJob.Status.PENDING, updated_at=timezone.now()
        )
        if updated:
            record_event(
                action="retry_record", actor=by, request=job.request, data={"job": str(job.public_id), "by": "operator"}
            )
            transaction.on_commit(lambda: records._enqueue([job.pk]))
    job.refresh_from_db()
    return job
