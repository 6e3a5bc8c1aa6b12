"""The receipt of an entry (REG-5): rendered with WeasyPrint, stamped with its CSV and a QR
code on every page, and sealed with the council's seal (PAdES) by ``firma``."""

from __future__ import annotations

import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Asiento

PDF_MIME = "application/pdf"
_font_config = None
_font_lock = threading.Lock()


# --- Adapters to firma (one small function each) ---------------------------------------


def csv_reserve() -> str:
    """A fresh CSV no document holds yet, to print in the receipt before it is issued."""
    from firma.services.documentos import csv_unique_code

    return csv_unique_code()


def csv_display(code: str) -> str:
    from firma.csv import csv_format

    return csv_format(code)


def csv_url(code: str, *, language: str = "") -> str:
    """The public verification URL (SITE_URL) in the receipt's language (/eu/verificar/...)."""
    from firma.csv import csv_verification_url

    url = csv_verification_url(code)
    if language and language != settings.LANGUAGE_CODE and url.startswith(settings.SITE_URL):
        url = f"{settings.SITE_URL}/{language}{url[len(settings.SITE_URL) :]}"
    return url


def csv_issue_sealed(*, pdf: bytes, name: str, code: str) -> tuple[str, int]:
    """Hand the PDF to firma: stamp CSV + QR on every page, seal (PAdES) with the council
    seal, store it as a document version. Returns (csv, version id)."""
    from firma.services.documentos import csv_issue

    version = csv_issue(
        content=pdf,
        name=name,
        mime=PDF_MIME,
        code=code,
        stamp=True,
        seal=True,
        note="registro.justificante",
    )
    return version.csv, version.pk


def sealed_receipt_bytes(asiento: Asiento) -> bytes | None:
    """The stored sealed PDF of an entry, or None while it is pending."""
    if not asiento.justificante_version_id:
        return None
    from firma.models import DocumentoVersion
    from firma.services.documentos import documento_read

    version = DocumentoVersion.objects.filter(pk=asiento.justificante_version_id).first()
    return documento_read(version) if version is not None else None


# --- Rendering ---------------------------------------------------------------------------


def font_configuration():
    """One WeasyPrint FontConfiguration per process (recipes: reuse it)."""
    global _font_config
    if _font_config is None:
        with _font_lock:
            if _font_config is None:
                from weasyprint.text.fonts import FontConfiguration

                _font_config = FontConfiguration()
    return _font_config


def receipt_context(asiento: Asiento, *, csv: str = "") -> dict:
    partes = list(asiento.partes.all())
    return {
        "asiento": asiento,
        "interesados": [p for p in partes if p.rol == "interesado"],
        "representantes": [p for p in partes if p.rol == "representante"],
        "documentos": list(asiento.documentos.all()),
        "council_name": settings.COUNCIL_NAME,
        "council_name_eu": settings.COUNCIL_NAME_EU,
        "council_dir3": settings.COUNCIL_DIR3,
        "moved": asiento.effective_at != asiento.presented_at,
        "csv": csv_display(csv) if csv else "",
        "csv_url": csv_url(csv, language=asiento.idioma) if csv else "",
    }


def render_receipt_html(asiento: Asiento, *, csv: str = "") -> str:
    with translation.override(asiento.idioma):
        return render_to_string("registro/justificante_pdf.html", receipt_context(asiento, csv=csv))


def render_receipt_pdf(asiento: Asiento, *, csv: str = "") -> bytes:
    from weasyprint import HTML

    html = render_receipt_html(asiento, csv=csv)
    fonts = font_configuration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)


def receipt_filename(asiento: Asiento) -> str:
    return f"justificante-{asiento.numero.replace('/', '-')}.pdf"


def issue_sealed_receipt(asiento: Asiento) -> tuple[str, int]:
    """Render, stamp and seal the receipt; return (csv, firma document version id)."""
    code = csv_reserve()
    pdf = render_receipt_pdf(asiento, csv=code)
    return csv_issue_sealed(pdf=pdf, name=receipt_filename(asiento), code=code)
