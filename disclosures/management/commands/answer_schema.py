"""Write docs/answer-schema.json from the answer definition, or with --check fail when it has drifted."""

from django.core.management.base import BaseCommand, CommandError

from disclosures.answer.schema import schema_path, schema_text


class Command(BaseCommand):
    help = "Generate docs/answer-schema.json from disclosures.answer (--check: fail if the file differs)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; exit with an error on drift.")

    def handle(self, *args, check: bool = False, **options):
        path = schema_path()
        text = schema_text()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if check:
            if current != text:
                raise CommandError(f"{path} differs from the answer definition; run manage.py answer_schema.")
            self.stdout.write(f"{path} is up to date.")
            return
        if current != text:
            path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
