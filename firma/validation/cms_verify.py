"""CMS SignerInfo verification done by hand, over the signed attributes *as encoded*.

pyHanko (through asn1crypto) re-encodes the signed attributes in DER order before checking
the signature, so it rejects real @firma CAdES signatures whose attributes are not in DER
order, which the EU validator (DSS) accepts. We verify the bytes the signer actually signed.
"""

from __future__ import annotations

import hashlib
import hmac

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa
from cryptography.x509 import load_der_x509_certificate

OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
OID_SIGNATURE_POLICY = "1.2.840.113549.1.9.16.2.15"
OID_SIGNATURE_TIMESTAMP = "1.2.840.113549.1.9.16.2.14"
OID_COUNTER_SIGNATURE = "1.2.840.113549.1.9.6"

_HASHES = {
    "md5": hashes.MD5,
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_224": hashes.SHA3_224,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}


class UnsupportedAlgorithmError(Exception):
    pass


def digest(name: str, data: bytes) -> bytes:
    name = name.replace("-", "_").lower()
    if name not in _HASHES:
        raise UnsupportedAlgorithmError(name)
    h = hashes.Hash(_HASHES[name]())
    h.update(data)
    return h.finalize()


def signed_attr(signer_info: cms.SignerInfo, oid: str):
    """First value of a signed attribute (by dotted OID), parsed lazily, else None."""
    attrs = signer_info["signed_attrs"]
    if not attrs:
        return None
    for attr in attrs:
        if attr["type"].dotted == oid:
            values = attr["values"]
            return values[0] if len(values) else None
    return None


def unsigned_attr_values(signer_info: cms.SignerInfo, oid: str) -> list:
    attrs = signer_info["unsigned_attrs"]
    out: list = []
    if not attrs:
        return out
    for attr in attrs:
        if attr["type"].dotted == oid:
            out.extend(attr["values"])
    return out


def find_signer_certificate(
    signed_data: cms.SignedData, signer_info: cms.SignerInfo
) -> asn1_x509.Certificate | None:
    sid = signer_info["sid"]
    for choice in signed_data["certificates"] or []:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            isn = sid.chosen
            if cert.serial_number == isn["serial_number"].native and cert.issuer == isn["issuer"]:
                return cert
        elif sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native:
            return cert
    return None


def other_certificates(signed_data: cms.SignedData) -> list[asn1_x509.Certificate]:
    return [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]


def signed_attrs_bytes(signer_info: cms.SignerInfo) -> bytes:
    raw = signer_info["signed_attrs"].dump()  # original bytes, [0] IMPLICIT
    return b"\x31" + raw[1:]  # as a SET OF, as signed


def verify_signature_value(
    cert: asn1_x509.Certificate, signer_info: cms.SignerInfo, data: bytes
) -> bool:
    """Check ``signature`` over ``data`` with the certificate's public key."""
    public_key = load_der_x509_certificate(cert.dump()).public_key()
    sig_algo = signer_info["signature_algorithm"]
    algo_name = sig_algo["algorithm"].native
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    signature = signer_info["signature"].native
    try:
        if algo_name == "rsassa_pss":
            params = sig_algo["parameters"]
            hash_name = params["hash_algorithm"]["algorithm"].native
            h = _HASHES[hash_name]()
            mgf_hash = _HASHES[params["mask_gen_algorithm"]["parameters"]["algorithm"].native]()
            pad = padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=params["salt_length"].native)
            assert isinstance(public_key, rsa.RSAPublicKey)
            public_key.verify(signature, data, pad, h)
            return True
        try:
            hash_name = sig_algo.hash_algo
        except ValueError:  # e.g. "rsassa_pkcs1v15": the digest algorithm says it
            hash_name = digest_name
        if hash_name not in _HASHES:
            raise UnsupportedAlgorithmError(hash_name)
        h = _HASHES[hash_name]()
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), h)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(h))
        elif isinstance(public_key, dsa.DSAPublicKey):
            public_key.verify(signature, data, h)
        else:
            raise UnsupportedAlgorithmError(type(public_key).__name__)
        return True
    except InvalidSignature:
        return False


def verify_signer_info(
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    content: bytes,
    cert: asn1_x509.Certificate,
) -> tuple[bool, str]:
    """(ok, problem): message digest over ``content`` and signature over the signed attrs."""
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    actual = digest(digest_name, content)
    if not signer_info["signed_attrs"]:
        return verify_signature_value(cert, signer_info, content), "signature"
    claimed = signed_attr(signer_info, OID_MESSAGE_DIGEST)
    if claimed is None:
        return False, "no message digest"
    if not hmac.compare_digest(claimed.native, actual):
        return False, "digest"
    if not verify_signature_value(cert, signer_info, signed_attrs_bytes(signer_info)):
        # Some producers sign the DER-sorted form although they encoded another order.
        sorted_der = _der_sorted_attrs(signer_info)
        if sorted_der is None or not verify_signature_value(cert, signer_info, sorted_der):
            return False, "signature"
    return True, ""


def _der_sorted_attrs(signer_info: cms.SignerInfo) -> bytes | None:
    try:
        items = sorted(attr.dump() for attr in signer_info["signed_attrs"])
    except Exception:  # noqa: BLE001
        return None
    body = b"".join(items)
    header = core.Asn1Value(tag=17, method=1, class_=0)  # universal SET, constructed
    header.contents = body
    return header.dump()


OID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"
OID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"


def signing_certificate_matches(signer_info: cms.SignerInfo, cert: asn1_x509.Certificate):
    """ESS signing-certificate(-v2) attribute against ``cert``: True, False or None (absent)."""
    from asn1crypto import tsp

    for oid, spec, default_hash in (
        (OID_SIGNING_CERTIFICATE_V2, tsp.SigningCertificateV2, "sha256"),
        (OID_SIGNING_CERTIFICATE, tsp.SigningCertificate, "sha1"),
    ):
        value = signed_attr(signer_info, oid)
        if value is None:
            continue
        parsed = spec.load(value.dump())
        first = parsed["certs"][0]
        algo = default_hash
        if "hash_algorithm" in first and first["hash_algorithm"].native:
            algo = first["hash_algorithm"]["algorithm"].native
        return hmac.compare_digest(first["cert_hash"].native, digest(algo, cert.dump()))
    return None


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
