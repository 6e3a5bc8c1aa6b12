"""The signed record of an apud acta grant made in the sede (REA-3).

The poderdante identifies with a level of assurance of *sustancial* or higher and confirms;
the council then seals a PDF of the grant (the "clave concertada" path, L39 art. 10.2.c and
11: the citizen needs nothing installed). The sealed PDF carries a CSV and is verifiable at
/verificar/ like any document the council issues (FIR-8).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Apoderamiento


def otorgamiento_pdf(power: Apoderamiento, *, method: str, level_label: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "apoderamientos/otorgamiento_pdf.html",
        {
            "power": power,
            "poderdantes": list(power.poderdantes.all()),
            "procedimientos": list(power.procedimientos.all()),
            "method": method,
            "level": level_label,
            "now": timezone.localtime(),
            "LANGUAGE_CODE": translation.get_language(),
        },
    )
    return HTML(string=html).write_pdf()


def otorgamiento_seal(power: Apoderamiento, *, method: str, level_label: str) -> str:
    """Seal the grant's PDF with the council seal, store it with a CSV; return the CSV."""
    from firma.services import csv_issue

    version = csv_issue(
        content=otorgamiento_pdf(power, method=method, level_label=level_label),
        name=f"apoderamiento-{power.numero.replace('/', '-')}.pdf",
        mime="application/pdf",
        stamp=True,
        seal=True,
        note=f"Otorgamiento apud acta {power.numero}",
    )
    return version.csv
