"""Trust anchors, CRLs and the certificate validation context (FIRMA_TRUST_ANCHORS, FIRMA_CRLS)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from pyhanko_certvalidator import ValidationContext

_lock = threading.Lock()
_cache: dict[str, object] = {}


def _read_pem_or_der_objects(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def trust_anchors() -> list[asn1_x509.Certificate]:
    """The certificates in the ``FIRMA_TRUST_ANCHORS`` bundle(s) (path or list of paths)."""
    with _lock:
        if "anchors" not in _cache:
            setting = getattr(settings, "FIRMA_TRUST_ANCHORS", None) or []
            paths = [setting] if isinstance(setting, str | Path) else list(setting)
            anchors = []
            for path in paths:
                if not str(path).strip():
                    continue
                path = Path(path)
                if path.is_dir():
                    files = sorted(path.glob("*.pem")) + sorted(path.glob("*.crt"))
                elif path.exists():
                    files = [path]
                else:
                    files = []
                for file in files:
                    anchors.extend(
                        asn1_x509.Certificate.load(d) for d in _read_pem_or_der_objects(file)
                    )
            _cache["anchors"] = anchors
        return list(_cache["anchors"])  # type: ignore[call-overload]


def configured_crls() -> list[asn1_crl.CertificateList]:
    with _lock:
        if "crls" not in _cache:
            crls = []
            for path in getattr(settings, "FIRMA_CRLS", []) or []:
                path = Path(path)
                if path.exists():
                    crls.extend(
                        asn1_crl.CertificateList.load(d) for d in _read_pem_or_der_objects(path)
                    )
            _cache["crls"] = crls
        return list(_cache["crls"])  # type: ignore[call-overload]


def clear_trust_cache() -> None:
    with _lock:
        _cache.clear()


@receiver(setting_changed)
def _reset(*, setting, **kwargs):
    if setting in ("FIRMA_TRUST_ANCHORS", "FIRMA_CRLS", "FIRMA_REVOCATION_HOSTS"):
        clear_trust_cache()


def to_asn1(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    raise TypeError(type(cert))


def revocation_check_enabled() -> bool:
    return bool(getattr(settings, "FIRMA_REVOCATION_CHECK", False))


def build_validation_context(
    *,
    moment: dt.datetime | None = None,
    extra_certs=(),
    for_signing: bool = False,
    revocation: bool | None = None,
    fetch_log=None,
) -> ValidationContext:
    """A certvalidator context: our anchors, our CRLs, revocation per FIRMA_REVOCATION_CHECK.

    With revocation checking on, CRLs from ``FIRMA_CRLS`` are used and CRL/OCSP URLs in the
    certificates are fetched, but only from hosts in ``FIRMA_REVOCATION_HOSTS`` (see
    :mod:`.revocation`; refusals go to ``fetch_log``); a certificate whose status cannot be
    established fails ("require"). Current revocation data is accepted for a past signing
    time (a revocation dated after ``moment`` does not revoke). With it off, revocation is
    not looked at.
    """
    from .revocation import FetchLog, GuardedFetcherBackend

    check = revocation_check_enabled() if revocation is None else revocation
    crls = configured_crls() if check or for_signing else []
    kwargs: dict = {
        "trust_roots": trust_anchors(),
        "other_certs": [to_asn1(c) for c in extra_certs],
        "crls": crls,
        "allow_fetching": check,
        "revocation_mode": "require" if check else "soft-fail",
        "weak_hash_algos": {"md2", "md5"},  # SHA-1 still accepted for legacy signatures
        "retroactive_revinfo": True,
    }
    if check:
        kwargs["fetcher_backend"] = GuardedFetcherBackend(
            log=fetch_log if fetch_log is not None else FetchLog()
        )
    if for_signing:
        kwargs["revocation_mode"] = "soft-fail"
    if moment is not None:
        kwargs["moment"] = moment
        kwargs["best_signature_time"] = moment
    return ValidationContext(**kwargs)
