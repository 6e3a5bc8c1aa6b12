"""Demo personas: used by the demo data, the development IdP and the tests.

NIFs are valid (check letters computed by python-stdnum's rules) but fictitious.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPersona:
    key: str
    nif: str
    first_name: str
    last_name: str
    email: str
    description: str


CITIZENS = [
    DemoPersona(
        "ciudadana",
        "12345678Z",
        "Miren",
        "Etxeberria Agirre",
        "miren@example.org",
        "Ciudadana que tramita en su propio nombre",
    ),
    DemoPersona(
        "representante",
        "87654321X",
        "Jon",
        "Garcia Uriarte",
        "jon@example.org",
        "Gestor que actúa por otras personas con un apoderamiento",
    ),
    DemoPersona(
        "extranjera", "X1234567L", "Amina", "Benali", "amina@example.org", "Residente con NIE"
    ),
]

# Staff logins for the back office (username / password), printed by `make demo`.
STAFF = [
    ("admin", "Administración del sistema"),
    ("funcionaria", "Registro y tramitación (Área de Acción Social)"),
    ("habilitado", "Personal habilitado de oficina de distrito"),
]
DEMO_STAFF_PASSWORD = "demo-bilbao-2026"  # noqa: S105  (demo only; refused when DEBUG is off)


def persona_by_key(key: str) -> DemoPersona | None:
    return next((p for p in CITIZENS if p.key == key), None)
