from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from procedimientos.catalogo_io import (
    CatalogoImportError,
    catalogo_import,
    catalogo_validate,
    load_file,
)


class Command(BaseCommand):
    help = "Import a procedure catalogue (YAML or JSON). Idempotent; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="catalogue file (.yaml, .yml or .json)")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        parser.add_argument(
            "--check", action="store_true", help="only validate the file; write nothing"
        )
        parser.add_argument(
            "--with-specific-forms",
            action="store_true",
            help="add the specific forms built from blocks (procedimientos/data/formularios/)",
        )
        parser.add_argument(
            "--migrar-borradores",
            action="store_true",
            help="publish changed forms even if they break citizens' drafts in progress, "
            "migrating those drafts (default: refuse)",
        )

    def handle(
        self,
        *args,
        file: str,
        no_progress: bool = False,
        check: bool = False,
        migrar_borradores: bool = False,
        **options,
    ):
        try:
            data = load_file(file)
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: no such file") from exc
        except CatalogoImportError as exc:
            raise CommandError(exc.errors[0]) from exc
        if options.get("with_specific_forms"):
            from procedimientos.formularios.especificos import merge_into

            try:
                merge_into(data)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if check:
            errors = catalogo_validate(data=data)
            for line in errors:
                self.stderr.write(f"  - {line}")
            if errors:
                raise CommandError(f"{len(errors)} error(s) in {file}.")
            self.stdout.write(self.style.SUCCESS(f"{file} is valid."))
            return
        try:
            stats = catalogo_import(
                data=data,
                migrar_borradores=migrar_borradores,
                progress=None
                if no_progress
                else lambda items: tqdm(
                    items, desc="procedimientos", unit="proc", file=self.stderr
                ),
            )
        except CatalogoImportError as exc:
            for line in exc.errors:
                self.stderr.write(f"  - {line}")
            raise CommandError(
                f"{len(exc.errors)} error(s) in {file}; nothing was imported."
            ) from exc
        summary = ", ".join(f"{k}={v}" for k, v in stats.items() if v) or "no changes"
        self.stdout.write(self.style.SUCCESS(f"Catalogue imported: {summary}"))
