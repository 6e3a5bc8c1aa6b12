"""FIR-3 (NTI-FIRMA III.4, III.6.2.b): do not sign with a certificate that fails its checks.

The validity period is checked on every signature (it costs nothing). With
``FIRMA_REVOCATION_CHECK`` on, the chain to the trust anchors and the revocation status are
checked too; a good answer is remembered for ``CHECK_TTL`` so that batches stay fast.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils.translation import gettext as _

from firma.keys.base import Signer

from ._common import SigningError

CHECK_TTL = 300.0  # seconds a good revocation answer is trusted

_checked: dict[tuple[int, bytes], float] = {}
_lock = threading.Lock()


def check_signer_certificate(signer: Signer, *, at: dt.datetime) -> None:
    cert = signer.certificate
    if at < cert.not_valid_before_utc:
        raise SigningError(
            _("El certificado de %(name)s aún no es válido: no se puede firmar.")
            % {"name": signer.common_name}
        )
    if at > cert.not_valid_after_utc:
        raise SigningError(
            _("El certificado de %(name)s caducó el %(date)s: no se puede firmar.")
            % {"name": signer.common_name, "date": cert.not_valid_after_utc.date().isoformat()}
        )
    from firma.validation.trust import revocation_check_enabled

    if not revocation_check_enabled():
        return
    key = (id(signer), signer.certificate_digest())
    with _lock:
        if _checked.get(key, 0.0) > time.monotonic():
            return
    from firma.validation.certs import check_chain
    from firma.validation.report import SignatureReport

    report = SignatureReport(signing_time=at, certificate_valid_at_signing=True)
    check_chain(report, signer.asn1_certificate, signer.asn1_chain)
    if report.codes:
        raise SigningError(
            _("El certificado de %(name)s no supera las comprobaciones: %(reasons)s")
            % {"name": signer.common_name, "reasons": " ".join(report.reasons)}
        )
    with _lock:
        _checked[key] = time.monotonic() + CHECK_TTL


def forget_checks() -> None:
    with _lock:
        _checked.clear()
