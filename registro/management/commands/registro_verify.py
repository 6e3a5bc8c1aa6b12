"""``manage.py registro_verify``: check the registry's hash chains against their heads and
the last sealed checkpoint, re-hash stored documents; name the first altered or missing
entry of each (year, direction). Exit status 1 when something is wrong."""

from django.core.management.base import BaseCommand, CommandError

from registro.verify import anchor_age, verify_all

DEFAULT_SAMPLE = 200


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the registry (against their heads and the last sealed "
        "checkpoint) and re-hash stored documents; name the first altered or missing entry."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--sample",
            type=int,
            default=DEFAULT_SAMPLE,
            help=f"re-hash this many documents, drawn at random (default {DEFAULT_SAMPLE})",
        )
        group.add_argument(
            "--all-documents", action="store_true", help="re-hash every stored document"
        )

    def handle(self, *args, **options):
        documents = None if options["all_documents"] else max(0, options["sample"])
        breaks = verify_all(documents=documents)
        age = anchor_age()
        if age is None:
            self.stdout.write("No sealed checkpoint yet (registro.tasks.anclaje_seal_task).")
        else:
            minutes = int(age.total_seconds() // 60)
            self.stdout.write(f"Last sealed checkpoint: {minutes} min ago.")
        if not breaks:
            self.stdout.write(self.style.SUCCESS("Registry intact: every chain verifies."))
            return
        for broken in breaks:
            self.stderr.write(f"FIRST BAD ENTRY {broken}")
        raise CommandError(f"{len(breaks)} problem(s) found")
