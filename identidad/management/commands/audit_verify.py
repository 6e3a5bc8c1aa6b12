from django.core.management.base import BaseCommand, CommandError

from identidad.selectors import audit_chain_first_break


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; name the first altered or missing row."

    def handle(self, *args, **options):
        broken = audit_chain_first_break()
        if broken is not None:
            seq, reason = broken
            raise CommandError(f"Audit trail broken at row #{seq}: {reason}.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))
