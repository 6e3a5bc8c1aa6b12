"""Trust anchors, CRLs and the certificate validation context (FIRMA_TRUST_ANCHORS, FIRMA_CRLS)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from asn1crypto import core, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy

_PERMISSIVE_ALGORITHMS = DisallowWeakAlgorithmsPolicy(
    weak_hash_algos=frozenset(), rsa_key_size_threshold=0, dsa_key_size_threshold=0
)

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
    revinfo: tuple[list, list] | None = None,
    allow_fetch: bool = True,
) -> ValidationContext:
    """A certvalidator context: our anchors, our CRLs, revocation per FIRMA_REVOCATION_CHECK.

    With revocation checking on, CRLs from ``FIRMA_CRLS`` are used and CRL/OCSP URLs in the
    certificates are fetched, but only from hosts in ``FIRMA_REVOCATION_HOSTS`` (see
    :mod:`.revocation`; refusals go to ``fetch_log``); a certificate whose status cannot be
    established fails ("require"). Current revocation data is accepted for a past signing
    time (a revocation dated after ``moment`` does not revoke). ``revinfo`` is the
    (CRLs, OCSP responses) embedded in the signature or document, used as well. With it
    off, revocation is not looked at.
    """
    from .revocation import FetchLog, GuardedFetcherBackend, allowed_hosts

    check = revocation_check_enabled() if revocation is None else revocation
    # pyhanko-certvalidator ignores local OCSP responses once it may fetch: no hosts, no
    # fetching at all (the default), so that FIRMA_CRLS and embedded data are used.
    fetch = check and allow_fetch and bool(allowed_hosts())
    crls = configured_crls() if check or for_signing else []
    ocsps: list = []
    if check and revinfo is not None:
        crls = crls + list(revinfo[0])
        ocsps = list(revinfo[1])
    kwargs: dict = {
        "trust_roots": trust_anchors(),
        "other_certs": [to_asn1(c) for c in extra_certs],
        "crls": crls,
        "ocsps": ocsps,
        "allow_fetching": fetch,
        "revocation_mode": "require" if check else "soft-fail",
        # Algorithms and key sizes are judged by our constraints table (constraints.py),
        # with dates and proofs of existence; the path builder must not reject them first.
        "algorithm_usage_policy": _PERMISSIVE_ALGORITHMS,
        "retroactive_revinfo": True,
    }
    if fetch:
        kwargs["fetcher_backend"] = GuardedFetcherBackend(
            log=fetch_log if fetch_log is not None else FetchLog()
        )
    if for_signing:
        kwargs["revocation_mode"] = "soft-fail"
    if moment is not None:
        kwargs["moment"] = moment
        kwargs["best_signature_time"] = moment
    return ValidationContext(**kwargs)


OID_REVOCATION_VALUES = "1.2.840.113549.1.9.16.2.24"


class _BasicOCSPResponses(core.SequenceOf):
    _child_spec = asn1_ocsp.BasicOCSPResponse


class _CertificateLists(core.SequenceOf):
    _child_spec = asn1_crl.CertificateList


class RevocationValues(core.Sequence):
    """ETSI EN 319 122-1 revocation-values (CAdES-LT / -XL), without otherRevVals."""

    _fields = [
        ("crl_vals", _CertificateLists, {"explicit": 0, "optional": True}),
        ("ocsp_vals", _BasicOCSPResponses, {"explicit": 1, "optional": True}),
    ]


def _wrap_basic(basic) -> asn1_ocsp.OCSPResponse:
    return asn1_ocsp.OCSPResponse(
        {
            "response_status": "successful",
            "response_bytes": {"response_type": "basic_ocsp_response", "response": basic},
        }
    )


def cms_revinfo(signed_data, signer_infos=()) -> tuple[list, list]:
    """CRLs and OCSP responses carried in a CMS SignedData's ``crls`` field and in the
    revocation-values unsigned attribute of ``signer_infos`` (CAdES-LT/-XL)."""
    crls: list = []
    ocsps: list = []
    for signer_info in signer_infos:
        try:
            for attr in signer_info["unsigned_attrs"] or []:
                if attr["type"].dotted != OID_REVOCATION_VALUES:
                    continue
                for value in attr["values"]:
                    values = RevocationValues.load(value.dump())
                    crls.extend(values["crl_vals"] or [])
                    ocsps.extend(_wrap_basic(b) for b in values["ocsp_vals"] or [])
        except Exception:  # noqa: BLE001, S112 (damaged revocation data is just not used)
            continue
    try:
        choices = signed_data["crls"]
        for choice in choices or []:
            if choice.name == "crl":
                crls.append(choice.chosen)
            elif choice.name == "other":
                other = choice.chosen
                if other["other_rev_info_format"].native == "ocsp_response":
                    value = other["other_rev_info"]
                    ocsps.append(getattr(value, "parsed", value))
    except Exception:  # noqa: BLE001 (damaged revocation data is just not used)
        return crls, ocsps
    return crls, ocsps


def pdf_revinfo(reader) -> tuple[list, list]:
    """CRLs and OCSP responses in a PDF's Document Security Store (PAdES B-LT)."""
    crls: list = []
    ocsps: list = []
    try:
        dss = reader.root["/DSS"]
    except (KeyError, ValueError, TypeError):
        return crls, ocsps
    for key, spec, out in (
        ("/CRLs", asn1_crl.CertificateList, crls),
        ("/OCSPs", asn1_ocsp.OCSPResponse, ocsps),
    ):
        try:
            refs = dss.get(key) or []
            for ref in refs:
                out.append(spec.load(ref.get_object().data))
        except Exception:  # noqa: BLE001, S112 (a damaged DSS is just not used)
            continue
    return crls, ocsps


def pdf_dss_certs(reader) -> list[asn1_x509.Certificate]:
    """Certificates in a PDF's Document Security Store (``/DSS /Certs``)."""
    certs: list[asn1_x509.Certificate] = []
    try:
        refs = reader.root["/DSS"].get("/Certs") or []
    except (KeyError, ValueError, TypeError):
        return certs
    for ref in refs:
        try:
            cert = asn1_x509.Certificate.load(ref.get_object().data)
            cert.native  # noqa: B018 (forces parsing: a damaged one is skipped)
        except Exception:  # noqa: BLE001, S112 (a damaged DSS entry is just not used)
            continue
        certs.append(cert)
    return certs
