from django.core.management.base import BaseCommand, CommandError

from identidad.selectors import audit_chain_first_break
from identidad.services import audit_chain_pending


class Command(BaseCommand):
    help = (
        "Chain the audit rows still pending, then verify the hash chain of the audit trail "
        "up to its head; name the first altered or missing row."
    )

    def handle(self, *args, **options):
        audit_chain_pending()
        broken = audit_chain_first_break()
        if broken is not None:
            seq, reason = broken
            raise CommandError(f"Audit trail broken at row #{seq}: {reason}.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))
