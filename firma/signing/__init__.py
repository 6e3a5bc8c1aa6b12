"""One signing interface over every format: ``sign(data, fmt=..., signer=...)``.

Formats (legal.md FIR-3, FIR-4): ``pades`` (TF06), ``xades-enveloped`` (TF03),
``xades-detached`` (TF02, internally detached), ``cades-detached`` (TF04) and
``cades-attached`` (TF05). Every signature carries the AGE signature policy v1.9 (FIR-1).
``countersign(cades, signer=...)`` adds a CAdES countersignature (FIR-5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from firma.keys.base import Signer
from firma.policy import FORMATS, TIPO_FIRMA_BY_FORMAT, signing_policy

from ._common import SigningError
from .countersign import countersign

__all__ = ["COUNCIL_SEAL", "FORMATS", "SignedResult", "SigningError", "countersign", "sign"]

#: The key store name of the council's seal (FIR-7): its signatures are always timestamped
#: when a TSA is configured (see :mod:`firma.signing.seal`).
COUNCIL_SEAL = "sello"


@dataclass(frozen=True)
class SignedResult:
    data: bytes
    fmt: str
    tipo_firma: str  # ENI TipoFirma, TF02..TF06 (FIR-4)
    signer_subject: str
    signed_at: dt.datetime
    policy_oid: str
    pades_level: str | None = None
    timestamped: bool = False


def sign(
    data: bytes,
    *,
    fmt: str,
    signer: Signer,
    reason: str = "",
    appearance: dict | None = None,
    timestamp: bool = False,
    pades_level: str = "B-B",
    check_signer: bool = True,
) -> SignedResult:
    """Sign ``data`` in format ``fmt`` with ``signer`` (see :func:`firma.keys.get_signer`).

    ``timestamp`` adds an RFC 3161 signature timestamp from ``FIRMA_TSA_URL`` (B-T). With
    the council seal (``COUNCIL_SEAL``) it is added whenever a TSA is configured, and PAdES
    goes to B-LTA when the seal chain's revocation data is available.
    ``pades_level`` B-T, B-LT and B-LTA imply it. ``appearance`` (PAdES only) draws a visible
    signature, e.g. ``{"signer_name": ..., "on_behalf_of": ..., "mode": "delegacion"}``.
    Raises :class:`SigningError` for unusable input or an unreachable TSA, and (FIR-3,
    NTI-FIRMA III.4) when the signer's certificate is not valid now, or, with
    ``FIRMA_REVOCATION_CHECK`` on, is revoked, of unknown status or not trusted.
    ``check_signer=False`` skips that (tests that need a bad signature on purpose).
    """
    if fmt not in FORMATS:
        raise SigningError(f"Unknown signature format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if not isinstance(data, bytes | bytearray) or not data:
        raise SigningError("Nothing to sign: the document is empty.")
    data = bytes(data)
    signed_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if check_signer:
        from .signer_check import check_signer_certificate

        check_signer_certificate(signer, at=signed_at)
    if signer.name == COUNCIL_SEAL and not timestamp and pades_level == "B-B":
        # Everything the council seals is long-term verifiable, whichever path asked for the
        # seal (issue 13): B-T/B-LTA for PAdES, -T for XAdES and CAdES, when a TSA is set.
        from .seal import seal_level

        level = seal_level(signer)
        if fmt == "pades":
            pades_level = level
        else:
            timestamp = level != "B-B"
    wants_ts = timestamp or (fmt == "pades" and pades_level != "B-B")
    timestamper = None
    if wants_ts:
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        from .tsa import get_timestamper

        try:
            timestamper = get_timestamper()
        except TimestampRequestError as exc:
            raise SigningError(str(exc)) from exc

    try:
        if fmt == "pades":
            from .pades import sign_pades

            if timestamp and pades_level == "B-B":
                pades_level = "B-T"
            out = sign_pades(
                data,
                signer=signer,
                reason=reason,
                appearance=appearance,
                level=pades_level,
                signed_at=signed_at,
                timestamper=timestamper,
            )
        elif fmt.startswith("xades"):
            from .xades import sign_xades

            out = sign_xades(
                data,
                signer=signer,
                detached=fmt == "xades-detached",
                signed_at=signed_at,
                timestamp=wants_ts,
            )
        else:
            from .cades import sign_cades

            out = sign_cades(
                data,
                signer=signer,
                detached=fmt == "cades-detached",
                signed_at=signed_at,
                timestamper=timestamper,
            )
    except SigningError:
        raise
    except Exception as exc:
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        if isinstance(exc, TimestampRequestError):
            raise SigningError(f"The timestamp could not be obtained: {exc}") from exc
        raise
    return SignedResult(
        data=out,
        fmt=fmt,
        tipo_firma=TIPO_FIRMA_BY_FORMAT[fmt],
        signer_subject=signer.subject,
        signed_at=signed_at,
        policy_oid=signing_policy().oid,
        pades_level=pades_level if fmt == "pades" else None,
        timestamped=wants_ts,
    )
