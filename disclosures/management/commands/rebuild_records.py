"""Create the job rows of any record that is missing (e.g. events from before records existed) and queue them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from concerns.models import Concern, State
from disclosures.models import AuditEvent, RecordJob
from disclosures.services.records import RECORD_KINDS, run_record_job, schedule_concern_record, schedule_records


class Command(BaseCommand):
    help = "Schedule records for events that have none; --failed also re-queues failed jobs; --now renders here."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="put failed jobs back to pending")
        parser.add_argument("--now", action="store_true", help="render in this process instead of queueing")

    def handle(self, *args, failed=False, now=False, **options):
        if failed:
            count = RecordJob.objects.filter(status=RecordJob.Status.FAILED).update(status=RecordJob.Status.PENDING)
            self.stdout.write(f"{count} failed job(s) put back to pending.")
        events = AuditEvent.objects.filter(action__in=list(RECORD_KINDS), request__isnull=False).order_by("pk")
        created = 0
        for event in events.iterator():
            with transaction.atomic():
                created += sum(1 for job in schedule_records(event=event) if job.status == RecordJob.Status.PENDING)
        # Concerns filed before filing receipts existed get theirs.
        for concern in Concern.objects.exclude(state=State.DRAFT).filter(record_jobs__isnull=True).iterator():
            with transaction.atomic():
                created += schedule_concern_record(concern=concern).status == RecordJob.Status.PENDING
        self.stdout.write(f"{created} pending job(s) scheduled.")
        if now:
            for job_id in RecordJob.objects.filter(status=RecordJob.Status.PENDING).values_list("pk", flat=True):
                run_record_job(job_id)
            self.stdout.write("Rendered pending jobs in this process.")
