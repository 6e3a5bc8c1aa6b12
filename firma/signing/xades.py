"""XAdES signatures with signxml (default canonicalization, see recipes.md "Signing").

* ``xades-enveloped`` (TF03): the input must be an XML document; the signature goes inside
  its root element.
* ``xades-detached`` (TF02, "internally detached"): any bytes; they travel base64-encoded in a
  ``CONTENT`` element next to the signature inside an ``AFIRMA`` root, as @firma/AutoFirma do.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

from lxml import etree
from signxml import DigestAlgorithm, SignatureReference
from signxml.xades import XAdESSignaturePolicy, XAdESSigner

from firma.keys.base import Signer
from firma.policy import signing_policy

from ._common import SigningError

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
AFIRMA_NS = "http://www.bilbao.eus/firma/afirma"

_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=False
)


def parse_xml(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SigningError(f"The document is not well-formed XML: {exc}") from exc


class _PolicySigner(XAdESSigner):
    """XAdES signer that also writes the policy qualifier (SPURI) and a fixed signing time."""

    def __init__(self, *, signed_at: dt.datetime, **kwargs):
        super().__init__(**kwargs)
        self._signed_at = signed_at

    def add_signing_time(self, signed_signature_properties, sig_root, signing_settings):
        node = etree.SubElement(signed_signature_properties, f"{{{XADES_NS}}}SigningTime")
        node.text = self._signed_at.isoformat()

    def add_signature_policy_identifier(
        self, signed_signature_properties, sig_root, signing_settings
    ):
        super().add_signature_policy_identifier(
            signed_signature_properties, sig_root, signing_settings
        )
        policy_id = signed_signature_properties.find(
            f"{{{XADES_NS}}}SignaturePolicyIdentifier/{{{XADES_NS}}}SignaturePolicyId"
        )
        qualifiers = etree.SubElement(policy_id, f"{{{XADES_NS}}}SigPolicyQualifiers")
        qualifier = etree.SubElement(qualifiers, f"{{{XADES_NS}}}SigPolicyQualifier")
        spuri = etree.SubElement(qualifier, f"{{{XADES_NS}}}SPURI")
        spuri.text = signing_policy().qualifier


def _xades_policy() -> XAdESSignaturePolicy:
    policy = signing_policy()
    return XAdESSignaturePolicy(
        Identifier=policy.urn,
        Description=f"Política de firma electrónica {policy.label}",
        DigestMethod=DigestAlgorithm(_DIGEST_URIS.get(policy.hash_algorithm, _DIGEST_URIS["sha1"])),
        DigestValue=policy.hash_for("xades"),
    )


_DIGEST_URIS = {
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "sha512": "http://www.w3.org/2001/04/xmlenc#sha512",
}


def _signer(signed_at: dt.datetime, key_type: str = "rsa") -> _PolicySigner:
    return _PolicySigner(
        signed_at=signed_at,
        signature_policy=_xades_policy(),
        signature_algorithm="ecdsa-sha256" if key_type == "ec" else "rsa-sha256",
        digest_algorithm="sha256",
    )


def sign_xades(
    data: bytes,
    *,
    signer: Signer,
    detached: bool,
    signed_at: dt.datetime,
    timestamp_url: str | None = None,
    timestamp: bool = False,
    mime_type: str = "application/octet-stream",
) -> bytes:
    xml_signer = _signer(signed_at, signer.key_type)
    certs = [signer.certificate, *signer.chain]
    if detached:
        root = etree.Element(f"{{{AFIRMA_NS}}}AFIRMA", nsmap={"afirma": AFIRMA_NS})
        content_id = f"CONTENT-{secrets.token_hex(8)}"
        content = etree.SubElement(
            root,
            f"{{{AFIRMA_NS}}}CONTENT",
            Id=content_id,
            Encoding="http://www.w3.org/2000/09/xmldsig#base64",
            MimeType=mime_type,
        )
        content.text = base64.b64encode(data).decode()
        signed = xml_signer.sign(
            root,
            key=signer.xml_key,
            cert=certs,
            reference_uri=[SignatureReference(URI=f"#{content_id}")],
            always_add_key_value=False,
        )
        if signed.getparent() is None and signed.tag == f"{{{DS_NS}}}Signature":
            root.append(signed)
            signed = root
    else:
        document = parse_xml(data)
        signed = xml_signer.sign(
            document, key=signer.xml_key, cert=certs, always_add_key_value=False
        )
    if timestamp:
        add_signature_timestamp(signed, url=timestamp_url)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def add_signature_timestamp(tree: etree._Element, *, url: str | None = None) -> None:
    """XAdES-T: a ``SignatureTimeStamp`` over the canonicalized ``SignatureValue``."""
    from .tsa import timestamp_token

    for signature in tree.iter(f"{{{DS_NS}}}Signature"):
        value = signature.find(f"{{{DS_NS}}}SignatureValue")
        c14n_alg = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
        c14n = etree.tostring(value, method="c14n")
        token = timestamp_token(c14n, url=url)
        qprops = signature.find(f".//{{{XADES_NS}}}QualifyingProperties")
        unsigned = qprops.find(f"{{{XADES_NS}}}UnsignedProperties")
        if unsigned is None:
            unsigned = etree.SubElement(qprops, f"{{{XADES_NS}}}UnsignedProperties")
        usp = unsigned.find(f"{{{XADES_NS}}}UnsignedSignatureProperties")
        if usp is None:
            usp = etree.SubElement(unsigned, f"{{{XADES_NS}}}UnsignedSignatureProperties")
        ts = etree.SubElement(
            usp, f"{{{XADES_NS}}}SignatureTimeStamp", Id=f"TS-{secrets.token_hex(6)}"
        )
        etree.SubElement(ts, f"{{{DS_NS}}}CanonicalizationMethod", Algorithm=c14n_alg)
        encapsulated = etree.SubElement(ts, f"{{{XADES_NS}}}EncapsulatedTimeStamp")
        encapsulated.text = base64.b64encode(token.dump()).decode()


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()
