"""Re-derive the whole public log and report anything altered, removed, reordered or rolled back (exit status 1)."""

from django.core.management.base import BaseCommand, CommandError

from disclosures.records import note
from disclosures.records.logcheck import check_log


class Command(BaseCommand):
    help = (
        "Check the public log against the pinned log key: every entry, tile, checkpoint signature, the "
        "consistency of successive checkpoints, that every public record is logged, and every stored file's hash."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--log-key",
            help="the log's verifier key (signed-note vkey) to pin; default: LOG_VERIFIER_KEY or the log key",
        )
        parser.add_argument("--skip-files", action="store_true", help="do not hash the stored record files")

    def handle(self, *args, **options):
        try:
            verifier = note.parse_vkey(options["log_key"]) if options["log_key"] else note.log_verifier()
        except note.NoteError as error:
            raise CommandError(str(error)) from None
        result = check_log(verifier=verifier, files=not options["skip_files"])
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(f"The log is NOT consistent ({len(result.problems)} problem(s)).")
        self.stdout.write(
            self.style.SUCCESS(
                f"The log is consistent: {result.size} entries, {result.checkpoints} checkpoint(s) signed by "
                f"{verifier.vkey}, every public record logged."
            )
        )
