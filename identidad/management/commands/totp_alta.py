"""Enrol a TOTP second factor for a member of staff (issue 14.5): bootstrap and support.

    manage.py totp_alta <username> [--name móvil]

Prints the ``otpauth://`` URI to load into an authenticator app (or scan its QR code from the
admin: Otp_Totp → TOTP devices). Administrators can also enrol devices in the admin.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Enrol a TOTP device (second factor) for a member of staff and print its URI."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="app", help="A label for the device.")

    def handle(self, *args, username: str, name: str, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or not user.is_staff:
            raise CommandError(f"No active staff account named {username!r}.")
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(device.config_url)
