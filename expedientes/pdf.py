"""Acts of a case file rendered as PDF (WeasyPrint), in the language of the filing."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict, *, language: str = "es") -> bytes:
    from weasyprint import HTML

    from registro.justificante import font_configuration

    with translation.override(language):
        html = render_to_string(
            template,
            {
                **context,
                "council_name": settings.COUNCIL_NAME,
                "council_name_eu": settings.COUNCIL_NAME_EU,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=font_configuration()
    )
