"""``manage.py registro_verify``: check the registry's hash chains; name the first altered or
missing entry of each (year, direction). Exit status 1 when something is wrong."""

from django.core.management.base import BaseCommand, CommandError

from registro.verify import verify_all


class Command(BaseCommand):
    help = "Verify the hash chain of the registry and name the first altered or missing entry."

    def handle(self, *args, **options):
        breaks = verify_all()
        if not breaks:
            self.stdout.write(self.style.SUCCESS("Registry intact: every chain verifies."))
            return
        for broken in breaks:
            self.stderr.write(f"FIRST BAD ENTRY {broken}")
        raise CommandError(f"{len(breaks)} chain(s) broken")
