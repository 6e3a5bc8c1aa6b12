"""CAdES countersignatures (FIR-5: a signer ratifying a previous one → CounterSignature).

A countersignature (RFC 5652 11.4, ETSI EN 319 122-1) is a SignerInfo placed in the
``countersignature`` unsigned attribute of the SignerInfo it countersigns; its message
digest is over that SignerInfo's signature value, and it carries no content-type. Ours also
carries the signing time, the ESS signing-certificate-v2 and the AGE signature policy.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509

from firma.keys.base import Signer
from firma.policy import TIPO_FIRMA_BY_FORMAT, signing_policy

from ._common import SigningError, cms_policy_identifier

OID_COUNTER_SIGNATURE = "1.2.840.113549.1.9.6"
OID_SIGNATURE_POLICY = "1.2.840.113549.1.9.16.2.15"


def countersign(data: bytes, *, signer: Signer, target: int = -1, check_signer: bool = True):
    """Countersign a CAdES signature: ``signer`` ratifies the signature ``target``.

    ``data`` is a CAdES (CMS SignedData, DER) signature, attached or detached; ``target`` is
    the index of the top-level signature to countersign (default: the last one). Returns a
    :class:`~firma.signing.SignedResult` with the same CMS plus the countersignature (and
    the countersigner's certificates). The signer is checked as for :func:`sign`.
    """
    from . import SignedResult

    if not isinstance(data, bytes | bytearray) or not data:
        raise SigningError("Nothing to countersign: the signature is empty.")
    try:
        content_info = cms.ContentInfo.load(bytes(data))
        if content_info["content_type"].native != "signed_data":
            raise SigningError("Only CAdES (CMS SignedData) signatures can be countersigned.")
        signed_data = content_info["content"]
        signer_infos = signed_data["signer_infos"]
        target_info = signer_infos[target]
        target_signature = target_info["signature"].native
    except SigningError:
        raise
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise SigningError(f"Not a CAdES signature that can be countersigned: {exc}") from exc
    signed_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if check_signer:
        from .signer_check import check_signer_certificate

        check_signer_certificate(signer, at=signed_at)

    counter_info = _counter_signer_info(signer, target_signature, signed_at)
    _add_unsigned_countersignature(target_info, counter_info)
    _add_certificates(signed_data, [signer.asn1_certificate, *signer.asn1_chain])
    attached = not isinstance(signed_data["encap_content_info"]["content"], core.Void)
    fmt = "cades-attached" if attached else "cades-detached"
    return SignedResult(
        data=content_info.dump(),
        fmt=fmt,
        tipo_firma=TIPO_FIRMA_BY_FORMAT[fmt],
        signer_subject=signer.subject,
        signed_at=signed_at,
        policy_oid=signing_policy().oid,
    )


def _attr(kind: str, value) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": kind, "values": [value]})


def _counter_signer_info(signer: Signer, target_signature: bytes, signed_at: dt.datetime):
    cert: asn1_x509.Certificate = signer.asn1_certificate
    essv2 = tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "cert_hash": signer.certificate_digest("sha256"),
                    "issuer_serial": {
                        "issuer": [asn1_x509.GeneralName({"directory_name": cert.issuer})],
                        "serial_number": cert.serial_number,
                    },
                }
            ]
        }
    )
    attrs = [
        _attr("signing_time", cms.Time({"utc_time": signed_at})),
        _attr("message_digest", hashlib.sha256(target_signature).digest()),
        _attr("signing_certificate_v2", essv2),
        cms.CMSAttribute(
            {"type": OID_SIGNATURE_POLICY, "values": [cms_policy_identifier(signing_policy())]}
        ),
    ]
    # DER: a SET OF is sorted by the encodings of its elements.
    signed_attrs = cms.CMSAttributes(sorted(attrs, key=lambda a: a.dump()))
    to_sign = signed_attrs.dump()
    signature = signer.sign_raw(to_sign, digest_algorithm="sha256")
    algorithm = "sha256_ecdsa" if signer.key_type == "ec" else "sha256_rsa"
    return cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": cert.issuer, "serial_number": cert.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algorithm}),
            "signature": signature,
        }
    )


def _add_unsigned_countersignature(target_info: cms.SignerInfo, counter_info) -> None:
    existing = target_info["unsigned_attrs"]
    attrs = [] if isinstance(existing, core.Void) or not existing else list(existing)
    for index, attr in enumerate(attrs):
        if attr["type"].dotted == OID_COUNTER_SIGNATURE:
            values = [*attr["values"], counter_info]
            attrs[index] = cms.CMSAttribute({"type": "counter_signature", "values": values})
            break
    else:
        attrs.append(cms.CMSAttribute({"type": "counter_signature", "values": [counter_info]}))
    target_info["unsigned_attrs"] = cms.CMSAttributes(attrs)


def _add_certificates(signed_data: cms.SignedData, certs: list[asn1_x509.Certificate]) -> None:
    current = signed_data["certificates"]
    choices = [] if isinstance(current, core.Void) or not current else list(current)
    known = {c.chosen.dump() for c in choices if c.name == "certificate"}
    for cert in certs:
        if cert.dump() not in known:
            choices.append(cms.CertificateChoices({"certificate": cert}))
            known.add(cert.dump())
    signed_data["certificates"] = cms.CertificateSet(choices)
