"""The application itself as a PDF document (ENI TipoDocumental TD14 Solicitud, DOC-4),
rendered with WeasyPrint from the answers, registered with the attachments."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

TIPO_DOCUMENTAL = "TD14"
STYLESHEET = Path(__file__).with_name("solicitud.css")


def solicitud_stylesheet():
    """The application's stylesheet, parsed once per process (a ``<style>`` in the template
    was parsed again on every signature: ~5 ms of its ~40 ms of rendering)."""
    from registro.justificante import parsed_stylesheet

    return parsed_stylesheet(STYLESHEET)


def render_solicitud_pdf(*, borrador, definition, adjuntos, firma: dict | None = None) -> bytes:
    from weasyprint import HTML

    from registro.justificante import font_configuration

    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    with translation.override(language):
        html = render_to_string(
            "sede/filing/solicitud_pdf.html",
            {
                "borrador": borrador,
                "procedimiento": borrador.procedimiento,
                "summary": definition.summary(borrador.data, language),
                "adjuntos": adjuntos,
                "firma": firma or {},
                "generated_at": timezone.localtime(),
                "council_name": settings.COUNCIL_NAME,
                "council_name_eu": settings.COUNCIL_NAME_EU,
                "tipo_documental": TIPO_DOCUMENTAL,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[solicitud_stylesheet()], font_config=font_configuration()
    )


def solicitud_filename(borrador) -> str:
    """Named in the active language ("solicitud-…" / "eskaera-…")."""
    from django.utils.translation import gettext as _

    return _("solicitud-%(codigo)s-%(id)s.pdf") % {
        "codigo": borrador.procedimiento.code,
        "id": str(borrador.public_id)[:8],
    }
