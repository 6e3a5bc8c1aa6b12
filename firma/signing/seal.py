"""The council's seal (FIR-7) on every document it issues, long-term verifiable.

Receipts, apud acta grants, evidence and resolutions are all sealed here (through
:func:`firma.services.csv_issue` with ``seal=True``); any other signature made with the
council seal through :func:`firma.signing.sign` (an ENI index, a CAdES) gets the same
timestamp. The level is the highest the
configuration allows (issue 13, design.md "Validation verdicts"):

* a TSA configured (``FIRMA_TSA_URL``) → PAdES B-T: a signature timestamp proves when the
  seal was made, so it stays verifiable after the seal certificate expires;
* and revocation data for the seal's chain available (``FIRMA_CRLS``, or the allow-listed
  OCSP/CRL hosts when ``FIRMA_REVOCATION_CHECK`` is on) → PAdES B-LTA: the DSS carries the
  chain's revocation data (B-LT) and a document timestamp covers it all;
* no TSA → B-B (the demo and tests; a system check warns in production).

:func:`retimestamp_pdf` adds a further document timestamp before the last one's TSA
certificate expires (the periodic job in :mod:`firma.services.archivo`).
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

from django.conf import settings

from . import SignedResult, sign

_REVINFO_TTL = 600  # seconds: the seal chain's revocation data changes rarely
_revinfo_cache: dict[tuple, tuple[float, bool]] = {}
_lock = threading.Lock()


def seal_level(signer) -> str:
    """The PAdES level the council's seal gets now: B-B, B-T or B-LTA."""
    if not getattr(settings, "FIRMA_TSA_URL", ""):
        return "B-B"
    return "B-LTA" if seal_revinfo_available(signer) else "B-T"


def seal_pdf(data: bytes, *, reason: str, signer=None) -> SignedResult:
    """Seal ``data`` (a PDF) with the council seal at the highest available level."""
    from firma.keys import get_signer

    signer = signer or get_signer("sello")
    return sign(data, fmt="pades", signer=signer, reason=reason, pades_level=seal_level(signer))


def seal_revinfo_available(signer) -> bool:
    """Can the seal chain's revocation status be established (for the DSS)? Cached."""
    key = (
        signer.asn1_certificate.dump(),
        tuple(getattr(settings, "FIRMA_CRLS", []) or []),
        tuple(getattr(settings, "FIRMA_REVOCATION_HOSTS", []) or []),
        bool(getattr(settings, "FIRMA_REVOCATION_CHECK", False)),
    )
    now = time.monotonic()
    with _lock:
        cached = _revinfo_cache.get(key)
        if cached is not None and now - cached[0] < _REVINFO_TTL:
            return cached[1]
    available = _check_revinfo(signer)
    with _lock:
        _revinfo_cache[key] = (now, available)
    return available


def forget_revinfo() -> None:
    with _lock:
        _revinfo_cache.clear()


def _check_revinfo(signer) -> bool:
    import asyncio

    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator import errors as cv_errors

    from firma.validation.trust import build_validation_context

    allow_fetch = bool(getattr(settings, "FIRMA_REVOCATION_CHECK", False))
    context = build_validation_context(
        extra_certs=signer.asn1_chain, revocation=True, allow_fetch=allow_fetch
    )
    validator = CertificateValidator(
        signer.asn1_certificate, intermediate_certs=signer.asn1_chain, validation_context=context
    )
    try:
        asyncio.run(validator.async_validate_usage(set()))
    except (cv_errors.PathValidationError, cv_errors.ValidationError, cv_errors.PathBuildingError):
        return False
    return True


def last_timestamp_expiry(pdf: bytes) -> dt.datetime | None:
    """When the certificate of the PDF's latest timestamp (document timestamp, else the
    signature timestamp) expires: the document must be re-timestamped before then."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from firma.validation import cms_verify as cv

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 (not a readable signed PDF: nothing to renew)
        return None
    for sig in reversed(signatures):
        tokens = []
        if sig.sig_object.get("/Type") == "/DocTimeStamp":
            tokens.append(sig.signed_data)
        else:
            for value in cv.unsigned_attr_values(sig.signer_info, cv.OID_SIGNATURE_TIMESTAMP):
                tokens.append(value["content"])
        for signed_data in tokens:
            tsa = cv.find_signer_certificate(signed_data, signed_data["signer_infos"][0])
            if tsa is not None:
                return tsa["tbs_certificate"]["validity"]["not_after"].native
    return None


def retimestamp_pdf(pdf: bytes) -> bytes:
    """Add the TSA chain's revocation data and a new document timestamp (PAdES B-LTA
    archive timestamp) as an incremental update: the earlier bytes are kept unchanged."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    from firma.validation.trust import build_validation_context

    from .tsa import get_timestamper

    timestamper = get_timestamper()
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    context = build_validation_context(for_signing=True)
    out = PdfTimeStamper(timestamper).update_archival_timestamp_chain(
        reader, context, in_place=False
    )
    return out.getvalue()
