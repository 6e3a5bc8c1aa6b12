"""Load the demo data of every app (idempotent) and print the demo logins."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from identidad.demo import CITIZENS, DEMO_STAFF_PASSWORD, STAFF

# In dependency order (design.md). Each module exposes an idempotent load_demo().
DEMO_MODULES = [
    "identidad.demo_data",
    "calendario.demo",
    "firma.demo",
    "procedimientos.demo",
    "apoderamientos.demo",
    "registro.demo",
    "expedientes.demo",
    "notificaciones.demo",
    "sede.demo",
]


class Command(BaseCommand):
    help = "Load the demo personas and data of every app, then print the demo logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_setup only runs with DEBUG on: it creates known passwords.")
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            self.stdout.write(f"Loading demo data: {name}")
            module.load_demo()
        self.stdout.write(self.style.SUCCESS("\nBilbao Sede demo ready: http://127.0.0.1:8000/"))
        self.stdout.write("Citizens (Identificación → proveedor de desarrollo):")
        for p in CITIZENS:
            self.stdout.write(f"  {p.first_name} {p.last_name}  NIF {p.nif}  — {p.description}")
        self.stdout.write(f"Staff (http://127.0.0.1:8000/admin/, password {DEMO_STAFF_PASSWORD}):")
        for username, description in STAFF:
            self.stdout.write(f"  {username}  — {description}")
