"""The receipt of an entry (REG-5): rendered with WeasyPrint as PDF/A-2b, tagged, with its
CSV and a QR code on every page, and sealed with the council's seal (PAdES) by ``firma``."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Asiento

PDF_MIME = "application/pdf"
_font_config = None
_font_lock = threading.RLock()


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


def csv_issue_sealed(
    *, pdf: bytes, name: str, code: str, note: str = "registro.justificante", stamp: bool = True
) -> tuple[str, int]:
    """Hand the PDF to firma: (optionally) stamp CSV + QR on every page, seal (PAdES) with
    the council seal, store it as a document version. Returns (csv, version id)."""
    from firma.services.documentos import csv_issue

    version = csv_issue(
        content=pdf, name=name, mime=PDF_MIME, code=code, stamp=stamp, seal=True, note=note
    )
    return version.csv, version.pk


def sealed_document_bytes(version_id: int | None) -> bytes | None:
    """The stored bytes of a firma document version (None if there is no such version)."""
    if not version_id:
        return None
    from firma.models import DocumentoVersion
    from firma.services.documentos import documento_read

    version = DocumentoVersion.objects.filter(pk=version_id).first()
    return documento_read(version) if version is not None else None


def seal_is_valid(pdf: bytes) -> bool:
    """Whether firma finds the PDF's seal valid (intact, covering the whole file, trusted)."""
    from firma.validation import validate

    return validate(pdf).is_valid


def sealed_receipt_bytes(asiento: Asiento) -> bytes | None:
    """The stored sealed PDF of an entry, or None while it is pending."""
    return sealed_document_bytes(asiento.justificante_version_id)


# --- Rendering ---------------------------------------------------------------------------

STYLESHEET = Path(__file__).with_name("justificante.css")
# PDF/A-2b (archival, fonts embedded, output intent) and tagged (logical structure, alt text,
# language) for assistive technology — issue 13 item 7; sealing (PAdES, an incremental
# update) keeps both.
PDF_OPTIONS = {"pdf_variant": "pdf/a-2b", "pdf_tags": True}
_stylesheets: dict[Path, object] = {}


def font_configuration():
    """One WeasyPrint FontConfiguration per process (recipes: reuse it)."""
    global _font_config
    if _font_config is None:
        with _font_lock:
            if _font_config is None:
                from weasyprint.text.fonts import FontConfiguration

                _font_config = FontConfiguration()
    return _font_config


def parsed_stylesheet(path: Path):
    """The WeasyPrint stylesheet of the file ``path``, parsed once per process (with the
    process's fonts): the receipt's, the sede's application PDF's."""
    stylesheet = _stylesheets.get(path)
    if stylesheet is None:
        with _font_lock:
            stylesheet = _stylesheets.get(path)
            if stylesheet is None:
                from weasyprint import CSS

                stylesheet = _stylesheets[path] = CSS(
                    string=path.read_text(encoding="utf-8"), font_config=font_configuration()
                )
    return stylesheet


def receipt_stylesheet():
    """The receipt's stylesheet, parsed once per process (with its fonts)."""
    return parsed_stylesheet(STYLESHEET)


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as a PNG data: URI, one pixel per module.

    A raster image, not an SVG path: WeasyPrint parses and draws an SVG QR code as a path of
    about a thousand squares on every page (~40 ms of a receipt's rendering), while a PNG is
    embedded once per document. The stylesheet draws it without interpolation
    (``image-rendering: pixelated``; PDF/A requires ``/Interpolate false``), so every module
    keeps sharp edges at any zoom — as scannable as the vector one."""
    import io

    import qrcode

    qr = qrcode.QRCode(border=1, box_size=1)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    # RGB like the rest of the page (PDF/A-2b: the sRGB output intent covers it).
    qr.make_image().get_image().convert("RGB").save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def receipt_context(asiento: Asiento, *, csv: str = "") -> dict:
    partes = list(asiento.partes.all())
    url = csv_url(csv, language=asiento.idioma) if csv else ""
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
        "csv_url": url,
        "csv_qr": qr_data_uri(url) if url else "",
    }


def render_receipt_html(asiento: Asiento, *, csv: str = "") -> str:
    with translation.override(asiento.idioma):
        return render_to_string("registro/justificante_pdf.html", receipt_context(asiento, csv=csv))


def render_html_pdf(html: str) -> bytes:
    """A receipt's HTML to PDF/A-2b, tagged, with the cached stylesheet and fonts."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[receipt_stylesheet()], font_config=font_configuration(), **PDF_OPTIONS
    )


def render_receipt_pdf(asiento: Asiento, *, csv: str = "") -> bytes:
    """The receipt as PDF; with ``csv``, its code, URL and QR code in the footer of every
    page — drawn in the same rendering pass (no second pass to stamp it)."""
    return render_html_pdf(render_receipt_html(asiento, csv=csv))


def receipt_filename(asiento: Asiento) -> str:
    return f"justificante-{asiento.numero.replace('/', '-')}.pdf"


def issue_sealed_receipt(asiento: Asiento) -> tuple[str, int]:
    """Render (with its CSV and QR on every page) and seal the receipt; return (csv, firma
    document version id)."""
    code = csv_reserve()
    pdf = render_receipt_pdf(asiento, csv=code)
    return csv_issue_sealed(pdf=pdf, name=receipt_filename(asiento), code=code, stamp=False)
