"""``manage.py calendario_import FILE``: load declared non-working days from a CSV."""

from django.core.management.base import BaseCommand, CommandError

from calendario.services import CalendarImportError, dia_inhabil_import_file


class Command(BaseCommand):
    help = (
        "Import non-working days from a CSV (date,name,scope,source,notes[,verified]); "
        "idempotent, keyed by date; nothing is imported if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV file (UTF-8).")

    def handle(self, *args, file: str, **options):
        try:
            report = dia_inhabil_import_file(path=file)
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: file not found.") from exc
        except CalendarImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{file}: {len(exc.errors)} error(s); nothing was imported."
            ) from exc
        for dia in report.created + report.updated:
            if not dia.verified:
                self.stdout.write(
                    self.style.WARNING(f"{dia.date.isoformat()} {dia.name_es}: UNVERIFIED")
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged."
            )
        )
