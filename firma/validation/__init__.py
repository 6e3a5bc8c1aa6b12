"""Signature validation: ``validate(data, detached_content=None) -> ValidationReport``.

The equivalent of a validation service for PAdES, XAdES and CAdES, answering with ETSI EN
319 102-1 indications and sub-indications (``indication``, ``subindication``) plus a plain
es/eu explanation: integrity (signed attributes over their DER encoding), chain to the trust
anchors in ``FIRMA_TRUST_ANCHORS`` built with every certificate the signature and document
carry, certificate validity at the time of a trusted timestamp or else now (the claimed
signing time is no proof of existence), the cryptographic constraints table
(:mod:`.constraints`), revocation
(``FIRMA_REVOCATION_CHECK``: ``FIRMA_CRLS``, revocation data embedded in the signature, and
CRL/OCSP URLs in certificates, fetched only from ``FIRMA_REVOCATION_HOSTS``, see
:mod:`.revocation`), the TSA of signature timestamps (trusted, timeStamping EKU), CAdES
countersignatures (FIR-5, nested in each ``SignatureReport.countersignatures``) and the AGE
signature policy (FIR-1, FIR-2). Never raises on bad input: a file that cannot be read gets
the result ``cannot_validate`` with a reason.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext as _

from .report import (
    CANNOT_VALIDATE,
    INDETERMINATE,
    INVALID,
    RESULTS,
    VALID,
    SignatureReport,
    ValidationReport,
    cannot_validate,
)

__all__ = [
    "CANNOT_VALIDATE",
    "INDETERMINATE",
    "INVALID",
    "RESULTS",
    "VALID",
    "SignatureReport",
    "ValidationReport",
    "detect_format",
    "validate",
]

logger = logging.getLogger(__name__)
MAX_SIZE = 64 * 1024 * 1024


def detect_format(data: bytes) -> str | None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"\x30":  # DER SEQUENCE (it may embed a PDF: check first)
        return "cades"
    if b"%PDF-" in data[:1024]:
        return "pades"
    if head.startswith(b"<"):
        return "xades"
    if head[:1] == b"\x30" or head.startswith(b"-----BEGIN") or head[:1] == b"M":
        return "cades"
    return None


def validate(
    data: bytes,
    *,
    detached_content: bytes | None = None,
    validation_time: dt.datetime | None = None,
) -> ValidationReport:
    """Validate every signature in ``data`` and report who, when, what and why.

    ``validation_time`` replaces "now" (the time a certificate is judged at when no trusted
    timestamp proves an earlier existence), e.g. to reproduce a past validation."""
    from .certs import _now_override

    if validation_time is not None and validation_time.tzinfo is None:
        validation_time = validation_time.replace(tzinfo=dt.UTC)
    token = _now_override.set(validation_time)
    try:
        return _validate(data, detached_content=detached_content)
    finally:
        _now_override.reset(token)


def _validate(data: bytes, *, detached_content: bytes | None) -> ValidationReport:
    if not isinstance(data, bytes | bytearray) or not data:
        return cannot_validate("unknown", _("el fichero está vacío."))
    if len(data) > MAX_SIZE:
        return cannot_validate("unknown", _("el fichero es demasiado grande."))
    data = bytes(data)
    fmt = detect_format(data)
    try:
        if fmt == "pades":
            from .pades import validate_pades

            return validate_pades(data)
        if fmt == "xades":
            from .xades import validate_xades

            return validate_xades(data, detached_content=detached_content)
        if fmt == "cades":
            from .cades import validate_cades

            return validate_cades(data, detached_content=detached_content)
    except Exception:  # noqa: BLE001 (never crash on an uploaded file)
        logger.warning("Unexpected error validating a %s signature", fmt, exc_info=True)
        return cannot_validate(
            fmt or "unknown", _("la firma tiene una estructura que no se puede analizar.")
        )
    return cannot_validate(
        "unknown", _("no es un PDF, XML ni CMS firmado (formato no reconocido).")
    )
