"""The express consent document (HAB-2): generated from a template, printed and signed on
paper (then digitised) or signed on a tablet. The signed copy is what ``consentimiento_register``
keeps; the citizen takes a copy home."""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.models import Interesado, User

from .constants import DocumentoIdentidad

MAX_SIGNATURE_BYTES = 512 * 1024
PNG_DATA_URL = "data:image/png;base64,"


@dataclass(frozen=True)
class ConsentData:
    """What the consent document states: who, for whom, which procedure, where and when."""

    staff: User
    interesado: Interesado
    procedimiento: object
    oficina_name: str
    instant: datetime
    documento_identidad: str = ""

    def context(self) -> dict:
        doc = DocumentoIdentidad(self.documento_identidad).label if self.documento_identidad else ""
        return {
            "staff_name": self.staff.get_full_name() or self.staff.get_username(),
            "interesado": self.interesado,
            "documento_identidad": doc,
            "procedimiento": self.procedimiento,
            "oficina_name": self.oficina_name,
            "instant": timezone.localtime(self.instant),
            "council_name": settings.COUNCIL_NAME,
            "council_name_eu": settings.COUNCIL_NAME_EU,
        }


def signature_png_from_data_url(value: str) -> bytes:
    """The PNG drawn on the tablet (a ``data:`` URL), checked: a real PNG, bounded, not blank."""
    value = (value or "").strip()
    if not value.startswith(PNG_DATA_URL):
        raise ValidationError(_("No se ha recibido la firma de la tableta."))
    try:
        data = base64.b64decode(value[len(PNG_DATA_URL) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(_("La firma de la tableta no es una imagen válida.")) from exc
    if len(data) > MAX_SIGNATURE_BYTES:
        raise ValidationError(_("La imagen de la firma es demasiado grande."))
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.format != "PNG" or image.width > 2000 or image.height > 1000:
            raise ValidationError(_("La firma de la tableta no es una imagen válida."))
        image = image.convert("LA")
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(_("La firma de la tableta no es una imagen válida.")) from exc
    # Blank if nothing was drawn: no pixel both opaque and dark.
    lum, alpha = image.split()
    dark = lum.point(lambda v: 255 if v < 128 else 0)
    opaque = alpha.point(lambda v: 255 if v > 0 else 0)
    from PIL import ImageChops

    drawn = ImageChops.multiply(dark, opaque).getbbox() is not None
    if not drawn:
        raise ValidationError(_("La persona no ha firmado en la tableta."))
    return data


def render_consent_pdf(data: ConsentData, *, signature_png: bytes | None = None) -> bytes:
    """The consent as an A4 PDF; with the tablet signature drawn in its box when given."""
    from weasyprint import HTML

    context = data.context()
    if signature_png:
        context["signature_src"] = PNG_DATA_URL + base64.b64encode(signature_png).decode()
    html = render_to_string("apoderamientos/consentimiento_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def signed_on_tablet(data: ConsentData, signature_png: bytes) -> SimpleUploadedFile:
    """The signed copy of a consent signed on a tablet, as an upload for the service."""
    pdf = render_consent_pdf(data, signature_png=signature_png)
    name = f"consentimiento-{data.interesado.nif}-{timezone.localtime(data.instant):%Y%m%d%H%M}.pdf"
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")
