"""CMS SignerInfo verification done by hand, over the DER encoding of the signed attributes.

RFC 5652 §5.4: the signature covers the DER encoding of the signed attributes (a SET OF,
whose elements DER sorts). We re-encode the attributes as they were received into DER with
a schema-free TLV walk (sorted SETs, definite minimal lengths, primitive strings), so the
answer never depends on what a parser touched or in which order it read the attributes,
and verify over those bytes only: the same code path for CAdES, PAdES, countersignatures
and timestamp tokens. A signature that verifies only over a non-DER encoding is reported as
``not_der`` (TOTAL-FAILED/SIG_CRYPTO_FAILURE, as the EU DSS validator, which verifies over
the DER encoding, reports it).
"""

from __future__ import annotations

import hashlib
import hmac

from asn1crypto import cms
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
    """The signed attributes exactly as received, re-tagged as a SET OF."""
    raw = signer_info["signed_attrs"].dump()  # original bytes, [0] IMPLICIT
    return b"\x31" + raw[1:]


def signed_attrs_der(signer_info: cms.SignerInfo) -> bytes:
    """The DER encoding of the signed attributes (what RFC 5652 says is signed)."""
    return to_der(signed_attrs_bytes(signer_info))


# Universal string types that BER may send in constructed form and DER wants primitive.
_STRING_TAGS = {4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30}


def to_der(data: bytes) -> bytes:
    """Re-encode one BER TLV as DER, without a schema. Raises ValueError on bad input."""
    der, end = _der_tlv(data, 0, depth=0)
    if end != len(data):
        raise ValueError("trailing bytes after the signed attributes")
    return der


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der_tlv(data: bytes, pos: int, *, depth: int) -> tuple[bytes, int]:
    if depth > 64:
        raise ValueError("ASN.1 nesting too deep")
    start = pos
    if pos >= len(data):
        raise ValueError("truncated ASN.1")
    first = data[pos]
    pos += 1
    if first & 0x1F == 0x1F:  # high tag number form
        while True:
            if pos >= len(data):
                raise ValueError("truncated ASN.1 tag")
            pos += 1
            if not data[pos - 1] & 0x80:
                break
    tag = data[start:pos]
    constructed = bool(first & 0x20)
    if pos >= len(data):
        raise ValueError("truncated ASN.1 length")
    length_byte = data[pos]
    pos += 1
    indefinite = length_byte == 0x80
    if indefinite:
        if not constructed:
            raise ValueError("indefinite length on a primitive value")
        length = None
    elif length_byte & 0x80:
        count = length_byte & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = length_byte
    if not constructed:
        end = pos + length  # type: ignore[operator]
        if end > len(data):
            raise ValueError("truncated ASN.1 value")
        content = data[pos:end]
        return tag + _der_length(len(content)) + content, end
    children: list[bytes] = []
    raw_children: list[tuple[int, int]] = []
    end = None if indefinite else pos + length  # type: ignore[operator]
    while True:
        if indefinite:
            if data[pos : pos + 2] == b"\x00\x00":
                pos += 2
                break
        elif pos >= end:  # type: ignore[operator]
            break
        child_start = pos
        child, pos = _der_tlv(data, pos, depth=depth + 1)
        children.append(child)
        raw_children.append((child_start, pos))
    if end is not None and pos != end:
        raise ValueError("ASN.1 length mismatch")
    universal = first & 0xC0 == 0
    number = first & 0x1F
    if universal and number in _STRING_TAGS:  # constructed string → primitive
        content = b"".join(_primitive_content(c) for c in children)
        return bytes([first & ~0x20]) + _der_length(len(content)) + content, pos
    if universal and number == 17:  # SET / SET OF: sorted encodings
        children.sort()
    content = b"".join(children)
    return tag + _der_length(len(content)) + content, pos


def _primitive_content(der: bytes) -> bytes:
    length_byte = der[1]
    if length_byte & 0x80:
        return der[2 + (length_byte & 0x7F) :]
    return der[2:]


def verify_signed_attrs(cert: asn1_x509.Certificate, signer_info: cms.SignerInfo) -> str:
    """ "" when the signature verifies over the DER signed attributes; "not_der" when it
    verifies only over another encoding (as received); "signature" otherwise."""
    received = signed_attrs_bytes(signer_info)
    try:
        der = to_der(received)
    except ValueError:
        return "signature"
    if verify_signature_value(cert, signer_info, der):
        return ""
    if der != received and verify_signature_value(cert, signer_info, received):
        return "not_der"
    return "signature"


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


def verify_signer_info_digest(
    signer_info: cms.SignerInfo, actual: bytes, cert: asn1_x509.Certificate
) -> tuple[bool, str]:
    """As :func:`verify_signer_info`, given the content's digest (PAdES /ByteRange)."""
    if not signer_info["signed_attrs"]:
        return False, "no message digest"  # PAdES requires signed attributes
    claimed = signed_attr(signer_info, OID_MESSAGE_DIGEST)
    if claimed is None:
        return False, "no message digest"
    if not hmac.compare_digest(claimed.native, actual):
        return False, "digest"
    problem = verify_signed_attrs(cert, signer_info)
    return not problem, problem


def verify_signer_info(
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    content: bytes,
    cert: asn1_x509.Certificate,
) -> tuple[bool, str]:
    """(ok, problem): message digest over ``content`` and signature over the DER signed
    attributes. ``problem`` is "digest", "signature", "not_der" or "no message digest"."""
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if not signer_info["signed_attrs"]:
        return verify_signature_value(cert, signer_info, content), "signature"
    return verify_signer_info_digest(signer_info, digest(digest_name, content), cert)


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
