"""PAdES B-LTA upkeep by hand: what the daily beat task does, or a dry list of the records due."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disclosures.models import Record
from disclosures.services.records import renew_record_timestamps


class Command(BaseCommand):
    help = (
        "Add a new document timestamp to records whose last one's TSA certificate expires within RECORD_TSA_RENEW_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", dest="only_list", action="store_true", help="only list the records due")
        parser.add_argument("--limit", type=int, default=1000, help="renew at most this many records")

    def handle(self, *args, only_list=False, limit=1000, **options):
        due = timezone.now() + timedelta(days=settings.RECORD_TSA_RENEW_DAYS)
        records = Record.objects.filter(timestamp_expires_at__lt=due).order_by("timestamp_expires_at")
        if only_list:
            for record in records[:limit]:
                self.stdout.write(f"{record.public_id} {record.title} expires {record.timestamp_expires_at:%Y-%m-%d}")
            return
        if not settings.RECORD_TSA_URL:
            raise CommandError("RECORD_TSA_URL is not set: there is no timestamp authority to renew with.")
        self.stdout.write(f"{renew_record_timestamps(limit=limit)} record(s) renewed.")
