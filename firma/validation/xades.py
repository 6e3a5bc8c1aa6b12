"""XAdES validation: XMLDSig core check with signxml, then XAdES properties by hand.

Handles enveloped, enveloping, internally detached (TF02, our ``AFIRMA`` wrapper) and
externally detached signatures (a Reference to another file: pass ``detached_content``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.utils.translation import gettext as _
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature

from .certs import check_policy, check_signer_certificate, describe_certificate
from .report import (
    FORMAT_FAILURE,
    SIG_CRYPTO_FAILURE,
    SignatureReport,
    ValidationReport,
    cannot_validate,
    finish,
)

DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"ds": DS}
FMT = "xades"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False
)
_CONFIG = SignatureConfiguration(
    require_x509=True,
    expect_references=True,
    signature_methods=frozenset(SignatureMethod),
    digest_algorithms=frozenset(DigestAlgorithm),
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_xades(signature: etree._Element, local_path: str) -> etree._Element | None:
    """Find a XAdES element whatever the XAdES version namespace (1.1.1 .. 1.4.1)."""
    parts = "/".join(f"*[local-name()='{p}']" for p in local_path.split("/"))
    found = signature.xpath(f".//{parts}")
    return found[0] if found else None


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=_PARSER)


def validate_xades(data: bytes, *, detached_content: bytes | None = None) -> ValidationReport:
    try:
        root = parse(data)
    except etree.XMLSyntaxError as exc:
        return cannot_validate(
            FMT, _("el XML no está bien formado (%(detail)s).") % {"detail": exc}
        )
    signatures = root.xpath("//ds:Signature", namespaces=NS)
    if not signatures:
        return cannot_validate(FMT, _("el XML no contiene ninguna firma XMLDSig/XAdES."))
    reports = [_validate_one(root, sig, detached_content) for sig in signatures]
    return finish(_fmt(root, signatures[0]), reports)


def _fmt(root: etree._Element, signature: etree._Element) -> str:
    if root is signature:
        return "xades-detached"
    refs = signature.xpath("ds:SignedInfo/ds:Reference/@URI", namespaces=NS)
    if "" in refs:
        return "xades-enveloped"
    return "xades-detached"


def _certificates(signature: etree._Element) -> list[x509.Certificate]:
    certs = []
    for node in signature.xpath("ds:KeyInfo//ds:X509Certificate", namespaces=NS):
        try:
            certs.append(
                x509.load_der_x509_certificate(base64.b64decode("".join(node.text.split())))
            )
        except (ValueError, TypeError, binascii.Error):
            continue
    return certs


def _signing_certificate(signature, certs: list[x509.Certificate]) -> x509.Certificate | None:
    """The leaf: the XAdES SigningCertificate match, else the one that issued no other."""
    from cryptography.hazmat.primitives import hashes

    digest_node = _find_xades(signature, "SigningCertificateV2/Cert/CertDigest/DigestValue")
    if digest_node is None:
        digest_node = _find_xades(signature, "SigningCertificate/Cert/CertDigest/DigestValue")
    if digest_node is not None and digest_node.text:
        try:
            wanted = base64.b64decode(digest_node.text.strip())
        except (binascii.Error, ValueError):
            wanted = b""
        for cert in certs:
            for algo in (hashes.SHA256(), hashes.SHA1(), hashes.SHA512(), hashes.SHA384()):
                if cert.fingerprint(algo) == wanted:
                    return cert
    if digest_node is not None:
        return None  # declared signing certificate not among those included
    issuers = {c.issuer for c in certs}
    leaves = [c for c in certs if c.subject not in issuers or c.subject == c.issuer]
    leaves = [c for c in leaves if c.subject != c.issuer] or certs
    return leaves[0] if leaves else None


class _NthSignatureVerifier(XMLVerifier):
    """Verifies the n-th ds:Signature of the document (signxml takes the first one)."""

    def __init__(self, index: int):
        super().__init__()
        self._index = index

    def _get_signature(self, root):
        return root.xpath("//ds:Signature", namespaces=NS)[self._index]


def _without_later_signatures(root: etree._Element, index: int) -> etree._Element | None:
    """A copy of the document without the signatures that follow the ``index``-th one."""
    copy = etree.fromstring(etree.tostring(root), parser=_PARSER)
    signatures = copy.xpath("//ds:Signature", namespaces=NS)
    mine = signatures[index]
    later = [
        other
        for other in signatures[index + 1 :]
        if not any(a is mine for a in other.iterancestors())  # not inside this signature
    ]
    if not later:
        return None
    for node in later:
        parent = node.getparent()
        if parent is None:
            return None
        # Keep the text that followed the removed element (XML whitespace layout).
        if node.tail:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
    return copy


def _validate_one(
    root: etree._Element, signature: etree._Element, detached_content: bytes | None
) -> SignatureReport:
    report = SignatureReport()
    certs = _certificates(signature)
    leaf = _signing_certificate(signature, certs)
    signing_time = _find_xades(signature, "SignedSignatureProperties/SigningTime")
    if signing_time is not None and signing_time.text:
        try:
            report.signing_time = dt.datetime.fromisoformat(signing_time.text.strip())
        except ValueError:
            report.warn(_("La fecha de firma declarada no es legible."))
    if leaf is None:
        if certs and _find_xades(signature, "SignedSignatureProperties") is not None:
            from .certs import report_certificate_mismatch

            report_certificate_mismatch(report)
        else:
            report.add(
                "signer_certificate_missing",
                _("La firma no incluye el certificado del firmante."),
            )
        return report
    asn1_leaf = asn1_x509.Certificate.load(leaf.public_bytes(_der()))
    describe_certificate(report, asn1_leaf)

    # Integrity (XMLDSig core validation); the certificate's dates are judged separately.
    external_refs = [
        uri
        for uri in signature.xpath("ds:SignedInfo/ds:Reference/@URI", namespaces=NS)
        if uri and not uri.startswith("#")
    ]
    kwargs = {}
    if external_refs:
        if detached_content is None:
            report.add(
                "detached_content_missing",
                _("Firma separada (detached): hace falta el documento firmado para comprobarla."),
            )
        kwargs["uri_resolver"] = lambda uri: detached_content
    if "detached_content_missing" not in report.codes:
        config = SignatureConfiguration(
            require_x509=True,
            expect_references=True,
            signature_methods=_CONFIG.signature_methods,
            digest_algorithms=_CONFIG.digest_algorithms,
            verification_time=leaf.not_valid_before_utc + dt.timedelta(seconds=1),
        )
        index = root.xpath("//ds:Signature", namespaces=NS).index(signature)
        try:
            try:
                _NthSignatureVerifier(index).verify(
                    root, x509_cert=leaf, expect_config=config, **kwargs
                )
            except InvalidDigest:
                # Co-signatures appended later change an enveloped document; check it as it
                # was (later signatures are validated on their own).
                earlier = _without_later_signatures(root, index)
                if earlier is None:
                    raise
                _NthSignatureVerifier(index).verify(
                    earlier, x509_cert=leaf, expect_config=config, **kwargs
                )
                report.warn(
                    _("Después de esta firma solo se han añadido otras firmas al documento.")
                )
            report.integrity_ok = True
        except InvalidDigest:
            report.integrity_ok = False
            report.add(
                "integrity_failed",
                _(
                    "El documento o las propiedades firmadas han sido modificados después "
                    "de firmarse."
                ),
            )
        except InvalidSignature:
            report.integrity_ok = False
            report.add(
                "integrity_failed",
                _("El valor de la firma no corresponde a los datos firmados."),
                sub=SIG_CRYPTO_FAILURE,
            )
        except (InvalidInput, etree.LxmlError, ValueError) as exc:
            report.integrity_ok = False
            report.add(
                "integrity_failed",
                _("La firma no se puede verificar: %(detail)s")
                % {"detail": str(exc).splitlines()[0][:200]},
                sub=FORMAT_FAILURE,
            )
    # XAdES: signed properties must be covered by the signature.
    signed_props_ref = signature.xpath(
        "ds:SignedInfo/ds:Reference[@Type='http://uri.etsi.org/01903#SignedProperties']",
        namespaces=NS,
    )
    if not signed_props_ref:
        report.warn(_("La firma no tiene propiedades firmadas XAdES (es XMLDSig simple)."))

    oid, digest = _policy(signature)
    check_policy(report, oid, digest, "xades")
    revinfo = xades_revinfo(signature)
    _check_timestamp(report, signature, revinfo)
    carried = [asn1_x509.Certificate.load(c.public_bytes(_der())) for c in certs if c != leaf]
    carried += [c for c in xades_certificate_values(signature) if c.dump() != asn1_leaf.dump()]
    check_signer_certificate(
        report, asn1_leaf, carried, revinfo, digest=_signature_digest(signature)
    )
    return report


def _signature_digest(signature) -> str | None:
    """The digest algorithm of ds:SignatureMethod (e.g. rsa-sha256 → "sha256")."""
    method = signature.xpath("ds:SignedInfo/ds:SignatureMethod/@Algorithm", namespaces=NS)
    if not method:
        return None
    name = method[0].rsplit("#", 1)[-1].rsplit("-", 1)[-1].lower()
    return {"sha1": "sha1", "sha224": "sha224", "sha256": "sha256", "sha384": "sha384"}.get(
        name, {"sha512": "sha512", "md5": "md5"}.get(name, name)
    )


def xades_certificate_values(signature) -> list[asn1_x509.Certificate]:
    """Certificates in XAdES CertificateValues (XAdES-LT / X-L): used to build the paths."""
    found = []
    for node in signature.xpath(
        ".//*[local-name()='CertificateValues']/*[local-name()='EncapsulatedX509Certificate']"
    ):
        try:
            cert = asn1_x509.Certificate.load(base64.b64decode("".join((node.text or "").split())))
            cert.native  # noqa: B018 (forces parsing: a damaged one is skipped)
        except (ValueError, TypeError, binascii.Error):
            continue
        found.append(cert)
    return found


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def _policy(signature) -> tuple[str | None, bytes | None]:
    ident = _find_xades(
        signature, "SignaturePolicyIdentifier/SignaturePolicyId/SigPolicyId/Identifier"
    )
    if ident is None or not (ident.text or "").strip():
        return None, None
    digest_node = _find_xades(
        signature, "SignaturePolicyIdentifier/SignaturePolicyId/SigPolicyHash/DigestValue"
    )
    digest = None
    if digest_node is not None and digest_node.text:
        try:
            digest = base64.b64decode(digest_node.text.strip())
        except (binascii.Error, ValueError):
            digest = b""
    return ident.text.strip(), digest


def xades_revinfo(signature) -> tuple[list, list]:
    """CRLs and OCSP responses in XAdES RevocationValues (XAdES-X-L / XAdES-LT)."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    crls: list = []
    ocsps: list = []
    for local, spec, out in (
        ("EncapsulatedCRLValue", asn1_crl.CertificateList, crls),
        ("EncapsulatedOCSPValue", asn1_ocsp.OCSPResponse, ocsps),
    ):
        for node in signature.xpath(
            f".//*[local-name()='RevocationValues']//*[local-name()='{local}']"
        ):
            try:
                value = spec.load(base64.b64decode("".join((node.text or "").split())))
                value.native  # noqa: B018 (forces parsing: a damaged value is skipped)
            except (ValueError, TypeError, binascii.Error):
                continue
            out.append(value)
    return crls, ocsps


def _check_timestamp(report: SignatureReport, signature, revinfo=None) -> None:
    from .cades import check_timestamp_token

    node = _find_xades(signature, "SignatureTimeStamp/EncapsulatedTimeStamp")
    if node is None or not node.text:
        return
    value = signature.find(f"{{{DS}}}SignatureValue")
    try:
        token = cms.ContentInfo.load(base64.b64decode("".join(node.text.split())))
        method = node.getparent().xpath("*[local-name()='CanonicalizationMethod']/@Algorithm")
        exclusive = bool(method) and "exc-c14n" in method[0]
        c14n = etree.tostring(value, method="c14n", exclusive=exclusive)
    except Exception as exc:  # noqa: BLE001 (any defect in the token makes it invalid)
        report.add(
            "timestamp_invalid",
            _("El sello de tiempo no es válido: %(detail)s") % {"detail": exc},
        )
        return
    check_timestamp_token(report, token, c14n, revinfo)
