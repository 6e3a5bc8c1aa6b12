from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from procedimientos.catalogo_io import catalogo_import, dump
from procedimientos.generator import catalogo_generate


class Command(BaseCommand):
    help = "Generate a synthetic catalogue (procedures marked as examples) for load tests."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--output", "-o", help="write the file instead of importing it")

    def handle(self, *args, count: int, seed: int, output=None, **options):
        data = catalogo_generate(count=count, seed=seed)
        if output:
            Path(output).write_text(dump(data, "json" if output.endswith(".json") else "yaml"))
            self.stdout.write(
                self.style.SUCCESS(f"{count} synthetic procedures written to {output}")
            )
            return
        stats = catalogo_import(data=data, progress=lambda items: tqdm(items, file=self.stderr))
        self.stdout.write(self.style.SUCCESS(f"Synthetic catalogue imported: {stats}"))
