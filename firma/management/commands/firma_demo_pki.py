"""``manage.py firma_demo_pki [--dir DIR]``: create the demo CA, seal, staff and TSA keys."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from firma.keys.demo_pki import DEFAULT_PASSWORD, ensure_demo_pki


class Command(BaseCommand):
    help = (
        "Create (idempotently) a demo PKI: a CA, the council seal (sello de órgano), staff "
        "signing certificates and a TSA certificate as PKCS#12 files, plus ca.pem and crl.pem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=None,
            help="Target directory (default: settings.FIRMA_PKI_DIR, i.e. var/pki).",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="PKCS#12 password (default: FIRMA_KEYSTORE_PASSWORD or the demo password).",
        )

    def handle(self, *args, **options):
        directory = Path(
            options["dir"] or getattr(settings, "FIRMA_PKI_DIR", settings.BASE_DIR / "var" / "pki")
        )
        password = (
            options["password"]
            or getattr(settings, "FIRMA_KEYSTORE_PASSWORD", None)
            or DEFAULT_PASSWORD
        )
        pki = ensure_demo_pki(directory, password=password)
        if pki.created:
            for path in pki.created:
                self.stdout.write(f"created {path}")
        else:
            self.stdout.write(f"demo PKI already complete in {directory}")
