from pathlib import Path

from django.core.management.base import BaseCommand

from procedimientos.catalogo_io import catalogo_export, dump


class Command(BaseCommand):
    help = "Export the procedure catalogue as YAML (default) or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--format", choices=["yaml", "json"], default=None)
        parser.add_argument(
            "--no-examples", action="store_true", help="leave out synthetic procedures"
        )

    def handle(self, *args, output=None, format=None, no_examples=False, **options):  # noqa: A002
        fmt = format or ("json" if output and output.endswith(".json") else "yaml")
        text = dump(catalogo_export(include_examples=not no_examples), fmt)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Catalogue written to {output}"))
        else:
            self.stdout.write(text, ending="")
