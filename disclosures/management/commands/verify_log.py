"""Recompute the whole public log and report any entry altered, removed or reordered (exit status 1)."""

from django.core.management.base import BaseCommand, CommandError

from disclosures.services.log import check_log


class Command(BaseCommand):
    help = "Check the public log: leaf hashes, hash chain, Merkle root and the signed head."

    def handle(self, *args, **options):
        result = check_log()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(f"The log is NOT consistent ({len(result.problems)} problem(s)).")
        self.stdout.write(self.style.SUCCESS(f"The log is consistent: {result.size} entries, root and head verified."))
