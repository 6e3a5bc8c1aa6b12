"""Demo data for firma (idempotent): the demo PKI, a sealed document to verify with its CSV,
and two signature requests waiting in the inbox of the demo member of staff "funcionaria"."""

from __future__ import annotations

import logging
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .constants import ModoFirma
from .models import Documento, FirmanteConfig, PeticionFirma

logger = logging.getLogger(__name__)

DEMO_SIGNER = "funcionaria"  # staff user from the identidad demo; has a demo certificate
VERIFY_DOC = "Certificado de prueba (DEMO).pdf"
PETICIONES = [
    ("Resolución de ayuda de emergencia social 2026/0012 (DEMO)", ModoFirma.PROPIO, ""),
    (
        "Decreto de concesión de subvención 2026/0034 (DEMO)",
        ModoFirma.DELEGACION,
        "Concejalía de Acción Social (Decreto de delegación 2026/0001)",
    ),
]


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines of Helvetica text."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    def esc(text: str) -> bytes:
        raw = text.encode("cp1252", "replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
            }
        )
    )
    ops = [b"BT /F1 16 Tf 72 770 Td (" + esc(title) + b") Tj /F1 11 Tf 0 -30 Td"]
    for line in lines:
        ops.append(b"(" + esc(line) + b") Tj 0 -16 Td")
    ops.append(b"ET")
    content = writer.add_object(generic.StreamObject(stream_data=b" ".join(ops)))
    resources = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})}
    )
    writer.insert_page(PageObject(content, (0, 0, 595, 842), resources))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _ensure_pki() -> None:
    from firma.keys.demo_pki import ensure_demo_pki

    ensure_demo_pki(
        settings.FIRMA_PKI_DIR,
        password=getattr(settings, "FIRMA_KEYSTORE_PASSWORD", None) or "demo-firma",
    )


def load_demo() -> None:
    try:
        _ensure_pki()
    except ImportError:  # the signing core is not installed: CSV-only demo
        logger.warning("firma demo: no demo PKI (firma.keys.demo_pki is missing)")
    _load_verification_document()
    _load_peticiones()


@transaction.atomic
def _load_verification_document() -> None:
    from .services import csv_issue

    if Documento.objects.filter(name=VERIFY_DOC).exists():
        return
    pdf = demo_pdf(
        "Certificado de prueba (DEMO)",
        [
            "Documento de demostración de la sede electrónica.",
            "Lleva al pie su código seguro de verificación (CSV) y un código QR:",
            "puede comprobarlo en /verificar/ escribiendo el código.",
        ],
    )
    try:
        version = csv_issue(
            content=pdf, name=VERIFY_DOC, mime="application/pdf", stamp=True, seal=True
        )
    except Exception:  # no usable seal key: keep a stamped, unsealed copy
        logger.exception("firma demo: sealing failed; issuing the document without seal")
        version = csv_issue(content=pdf, name=VERIFY_DOC, mime="application/pdf", stamp=True)
    logger.info("firma demo: verification document CSV %s", version.csv_display)


@transaction.atomic
def _load_peticiones() -> None:
    from .services import AccionSpec, peticion_create
    from .services.portafirmas import DocumentoSpec

    user = get_user_model().objects.filter(username=DEMO_SIGNER, is_staff=True).first()
    if user is None:
        logger.warning("firma demo: staff user %s not found; no portafirmas demo", DEMO_SIGNER)
        return
    FirmanteConfig.objects.get_or_create(
        user=user, defaults={"keystore_name": DEMO_SIGNER, "cargo": "Técnica de Acción Social"}
    )
    for asunto, modo, en_nombre_de in PETICIONES:
        if PeticionFirma.objects.filter(asunto=asunto).exists():
            continue
        pdf = demo_pdf(asunto, ["Borrador para firma en el portafirmas (DEMO)."])
        peticion_create(
            created_by=user,
            asunto=asunto,
            documentos=[DocumentoSpec(content=pdf, name="borrador.pdf", mime="application/pdf")],
            pasos=[[AccionSpec(firmante=user, modo=modo, en_nombre_de=en_nombre_de)]],
        )
