"""CAT-5 signature checks and the council's seal (the "clave concertada" path)."""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .refusals import FilingRefused

NIF_IN_SUBJECT = re.compile(r"(?:IDCES-|\b)([0-9XYZKLMABCDEFGHJNPQRSUVW][0-9]{7}[0-9A-Z])\b")


def signer_nif(subject: str) -> str | None:
    """The NIF in a certificate subject (serialNumber ``IDCES-<NIF>`` or a bare NIF)."""
    for match in NIF_IN_SUBJECT.finditer(subject.upper()):
        return match.group(1)
    return None


def check_signed_solicitud(*, borrador, user, signed: bytes) -> dict:
    """Path (b): the uploaded PDF must be the application we rendered, signed by the
    citizen's own certificate, and the signature valid (firma.validation)."""
    from firma.validation import VALID, validate

    if not borrador.solicitud_file:
        raise FilingRefused(_("Descargue primero la solicitud en PDF, fírmela y súbala firmada."))
    with default_storage.open(borrador.solicitud_file, "rb") as fh:
        original = fh.read()
    if not signed.startswith(b"%PDF-"):
        raise FilingRefused(_("El fichero subido no es un PDF."))
    if not signed.startswith(original) or len(signed) == len(original):
        raise FilingRefused(
            _(
                "El PDF subido no es la solicitud que descargó (o no tiene firma). Descargue "
                "la solicitud de nuevo, fírmela sin modificarla y súbala."
            )
        )
    report = validate(signed)
    if report.result != VALID or not report.signatures:
        reasons = "; ".join(str(r) for r in (report.reasons or [])[:3])
        raise FilingRefused(
            _("La firma del PDF no es válida: %(motivo)s") % {"motivo": reasons or report.result}
        )
    signature = report.signatures[0]
    nif = signer_nif(signature.signer_subject or "")
    if not nif or nif != (user.nif or ""):
        raise FilingRefused(
            _(
                "La solicitud está firmada con un certificado de otra persona (%(nif)s). Debe "
                "firmarla con su propio certificado."
            )
            % {"nif": nif or "?"}
        )
    return {
        "signer_subject": signature.signer_subject,
        "signer_nif": nif,
        "signing_time": signature.signing_time.isoformat() if signature.signing_time else None,
        "result": report.result,
    }


def seal(pdf: bytes) -> bytes:
    """The council seals the application server-side (the "clave concertada" path)."""
    from firma.keys import get_signer
    from firma.signing import sign

    return sign(
        pdf,
        fmt="pades",
        signer=get_signer("sello"),
        reason="Solicitud firmada por la persona interesada mediante identificación en sede",
    ).data
