"""The payment proof («Justificante de pago»): the gateway's receipt data rendered as a PDF.

The sede attaches it to the filing (registered as an attached document, TD99 in the case
file); the citizen can download it from the payment page."""

from __future__ import annotations

import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Pago

_fonts = None
_fonts_lock = threading.Lock()


def _font_configuration():
    global _fonts
    if _fonts is None:
        with _fonts_lock:
            if _fonts is None:
                from weasyprint.text.fonts import FontConfiguration

                _fonts = FontConfiguration()
    return _fonts


def justificante_filename(pago: Pago) -> str:
    """Named in the active language ("justificante-pago-…" / "ordainketa-egiaztagiria-…")."""
    return _("justificante-pago-%(pedido)s.pdf") % {"pedido": pago.order}


def render_justificante_pdf(pago: Pago, *, language: str = "es") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "pagos/justificante_pdf.html",
            {
                "pago": pago,
                "procedimiento": pago.procedimiento,
                "generated_at": timezone.localtime(),
                "decided_at": timezone.localtime(pago.decided_at) if pago.decided_at else None,
                "council_name": settings.COUNCIL_NAME,
                "council_name_eu": settings.COUNCIL_NAME_EU,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=_font_configuration()
    )
