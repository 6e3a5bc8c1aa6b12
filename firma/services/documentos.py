"""Documents and their versions, each with its own CSV (FIR-8)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from firma.constants import PDF_MIME
from firma.csv import csv_format, csv_generate, csv_verification_url
from firma.models import Documento, DocumentoVersion, PeticionDocumento

MAX_NAME = 255


def csv_unique_code() -> str:
    """A fresh code that no version holds and no signature request has reserved."""
    for _attempt in range(10):
        code = csv_generate()
        if not (
            DocumentoVersion.objects.filter(csv=code).exists()
            or PeticionDocumento.objects.filter(csv_reservado=code).exists()
        ):
            return code
    raise RuntimeError("Could not draw a unique CSV: is the random source broken?")


@transaction.atomic
def csv_issue(
    *,
    content: bytes,
    name: str,
    mime: str,
    documento: Documento | None = None,
    code: str | None = None,
    stamp: bool = False,
    seal: bool = False,
    tipo_firma: str = "",
    note: str = "",
) -> DocumentoVersion:
    """Store ``content`` as a new version (of ``documento``, or of a new document) with a CSV.

    Every call makes a new version with a new CSV: a changed document never keeps its code
    (FIR-8). ``stamp`` puts the CSV, its verification URL and a QR code on every page of a PDF;
    ``seal`` then seals it with the council's seal (PAdES, FIR-7) at the highest level the
    configuration allows: B-T with a TSA, B-LTA with the seal chain's revocation data too
    (see :mod:`firma.signing.seal`). ``code`` is only for a code
    reserved earlier with :func:`csv_unique_code` (portafirmas stamps it before signing).
    """
    if not isinstance(content, bytes | bytearray):
        raise TypeError("content must be bytes")
    name = (name or "documento")[:MAX_NAME]
    mime = (mime or "application/octet-stream").strip().lower()
    if (stamp or seal) and mime != PDF_MIME:
        raise ValueError("Only PDF documents can be stamped or sealed.")
    code = code or csv_unique_code()
    data = bytes(content)
    if stamp:
        from firma.stamping import stamp_pdf

        data = stamp_pdf(data, code=csv_format(code), url=csv_verification_url(code))
    pades_level = ""
    timestamp_expires_at = None
    if seal:
        from firma.signing.seal import last_timestamp_expiry, seal_pdf

        result = seal_pdf(data, reason=_("Sello electrónico de órgano"))
        data = result.data
        tipo_firma = result.tipo_firma
        pades_level = result.pades_level or ""
        if result.timestamped:
            timestamp_expires_at = last_timestamp_expiry(data)

    if documento is None:
        documento = Documento.objects.create(name=name)
    else:
        documento = Documento.objects.select_for_update().get(pk=documento.pk)
    last = documento.versions.aggregate(n=Max("numero"))["n"] or 0
    version = DocumentoVersion(
        documento=documento,
        numero=last + 1,
        name=name,
        mime=mime,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        csv=code,
        tipo_firma=tipo_firma,
        note=note[:255],
        created_at=timezone.now(),
        pades_level=pades_level,
        timestamp_expires_at=timestamp_expires_at,
    )
    version.content.save(name, ContentFile(data), save=False)
    version.save()
    return version


def documento_read(version: DocumentoVersion) -> bytes:
    """The stored bytes of a version."""
    with version.content.open("rb") as fh:
        return fh.read()
