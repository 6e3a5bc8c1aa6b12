"""Signing service: every format, the AGE policy (FIR-1), TipoFirma (FIR-4), appearance (FIR-5)."""

from __future__ import annotations

import io
import re

import pytest
from asn1crypto import cms
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader

from firma.keys import get_signer, load_signer
from firma.policy import AGE_POLICY_V1_9
from firma.signing import SigningError, sign

XADES = "http://uri.etsi.org/01903/v1.3.2#"


def _cms_policy_oid(signed_data: cms.SignedData) -> str | None:
    for attr in signed_data["signer_infos"][0]["signed_attrs"]:
        if attr["type"].dotted == "1.2.840.113549.1.9.16.2.15":
            return attr["values"][0].chosen["sig_policy_id"].dotted
    return None


def _xades_policy(xml: bytes) -> tuple[str, str, str]:
    root = etree.fromstring(xml)
    ns = {"xades": XADES, "ds": "http://www.w3.org/2000/09/xmldsig#"}
    pid = root.find(".//xades:SignaturePolicyId", ns)
    return (
        pid.findtext("xades:SigPolicyId/xades:Identifier", namespaces=ns),
        pid.findtext("xades:SigPolicyHash/ds:DigestValue", namespaces=ns),
        pid.findtext(".//xades:SPURI", namespaces=ns),
    )


class TestSignerCache:
    def test_get_signer_loads_the_key_once_per_process(self):
        assert get_signer("sello") is get_signer("sello")

    def test_the_seal_is_the_councils(self):
        seal = get_signer("sello")
        assert "O=Ayuntamiento de Bilbao" in seal.subject
        assert "VATES-P4802000D" in seal.subject
        assert seal.common_name.startswith("SELLO DE ORGANO")

    def test_staff_signers_are_found_by_name(self):
        assert "ITZIAR" in get_signer("funcionaria").common_name

    def test_an_unknown_signer_is_a_clear_error(self, settings):
        from firma.keys import KeyStoreError

        settings.FIRMA_KEYSTORES = {"sello": settings.FIRMA_KEYSTORES["sello"]}
        with pytest.raises(KeyStoreError, match="nadie"):
            get_signer("nadie")

    def test_a_wrong_password_is_a_clear_error(self, settings):
        from firma.keys import KeyStoreError

        config = {**settings.FIRMA_KEYSTORES["sello"], "password": "wrong"}
        with pytest.raises(KeyStoreError, match="wrong password"):
            load_signer("sello", config)


class TestFormats:
    """FIR-1 (policy OID, hash, qualifier) and FIR-4 (TipoFirma) in every format."""

    def test_pades_carries_the_age_policy_and_is_tf06(self, sample_pdf):
        result = sign(sample_pdf, fmt="pades", signer=get_signer("sello"), reason="Sello")
        assert result.tipo_firma == "TF06"
        assert result.policy_oid == AGE_POLICY_V1_9.oid
        assert result.data.startswith(sample_pdf)  # incremental update: original bytes kept
        (embedded,) = PdfFileReader(io.BytesIO(result.data)).embedded_signatures
        assert _cms_policy_oid(embedded.signed_data) == "2.16.724.1.3.1.1.2.1.9"
        assert "SELLO DE ORGANO" in result.signer_subject

    @pytest.mark.parametrize(
        ("fmt", "tipo"), [("cades-detached", "TF04"), ("cades-attached", "TF05")]
    )
    def test_cades_carries_the_age_policy(self, fmt, tipo):
        result = sign(b"contenido", fmt=fmt, signer=get_signer("sello"))
        assert result.tipo_firma == tipo
        content = cms.ContentInfo.load(result.data)
        signed_data = content["content"]
        assert _cms_policy_oid(signed_data) == "2.16.724.1.3.1.1.2.1.9"
        encap = signed_data["encap_content_info"]["content"]
        if fmt == "cades-attached":
            assert encap.native == b"contenido"
        else:
            assert encap.native is None

    def test_xades_enveloped_keeps_the_document_and_carries_the_policy(self, sample_xml):
        result = sign(sample_xml, fmt="xades-enveloped", signer=get_signer("funcionaria"))
        assert result.tipo_firma == "TF03"
        root = etree.fromstring(result.data)
        assert root.tag == "{urn:bilbao:test}Resolucion"
        assert root.findtext("{urn:bilbao:test}Numero") == "2026/0001"
        assert _xades_policy(result.data) == (
            "urn:oid:2.16.724.1.3.1.1.2.1.9",
            "G7roucf600+f03r/o0bAOQ6WAs0=",
            "https://sede.060.gob.es/politica_de_firma_anexo_1.pdf",
        )

    def test_xades_detached_signs_any_bytes(self):
        result = sign(b"%PDF- not xml at all", fmt="xades-detached", signer=get_signer("sello"))
        assert result.tipo_firma == "TF02"
        assert _xades_policy(result.data)[0] == "urn:oid:2.16.724.1.3.1.1.2.1.9"

    def test_xades_enveloped_refuses_non_xml(self):
        with pytest.raises(SigningError, match="not well-formed XML"):
            sign(b"plain text", fmt="xades-enveloped", signer=get_signer("sello"))

    def test_unknown_format_and_empty_input_are_refused(self):
        with pytest.raises(SigningError, match="Unknown signature format"):
            sign(b"x", fmt="pgp", signer=get_signer("sello"))
        with pytest.raises(SigningError, match="empty"):
            sign(b"", fmt="cades-attached", signer=get_signer("sello"))

    def test_a_broken_pdf_is_refused_with_a_reason(self):
        with pytest.raises(SigningError, match="not a readable PDF"):
            sign(b"%PDF-1.7 garbage", fmt="pades", signer=get_signer("sello"))

    def test_pades_b_t_without_a_tsa_is_refused(self, sample_pdf):
        with pytest.raises(SigningError, match="FIRMA_TSA_URL"):
            sign(sample_pdf, fmt="pades", signer=get_signer("sello"), pades_level="B-T")

    def test_a_second_pades_signature_keeps_the_first(self, sample_pdf):
        first = sign(sample_pdf, fmt="pades", signer=get_signer("funcionaria")).data
        second = sign(first, fmt="pades", signer=get_signer("secretario")).data
        assert second.startswith(first)
        assert len(PdfFileReader(io.BytesIO(second)).embedded_signatures) == 2


_PDF_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i : i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _appearance_text(pdf: bytes) -> str:
    """The text drawn in the signature widgets' appearance streams, line by line."""
    reader = PdfFileReader(io.BytesIO(pdf))
    texts = []
    for sig in reader.embedded_signatures:
        ap = sig.sig_field.get("/AP")
        if ap is None:
            continue
        stream = ap["/N"]
        data = stream.data  # pyHanko decodes the stream filters
        for match in _PDF_STRING.finditer(data):
            texts.append(_unescape(match.group(1)).decode("cp1252", "replace"))
    return "\n".join(texts)


class TestAppearance:
    """FIR-5: delegation and substitution are shown in the visible signature."""

    def test_delegation_shows_por_delegacion_and_the_delegating_authority(self, sample_pdf):
        result = sign(
            sample_pdf,
            fmt="pades",
            signer=get_signer("concejal"),
            reason="Resolución",
            appearance={
                "signer_name": "Koldo Uriarte Bilbao",
                "on_behalf_of": "Alcaldía de Bilbao",
                "mode": "delegacion",
            },
        )
        text = _appearance_text(result.data)
        assert "Koldo Uriarte Bilbao" in text
        assert "delegación de: Alcaldía de Bilbao" in text

    def test_suplencia_shows_the_substituted_holder_and_the_actual_signer(self, sample_pdf):
        result = sign(
            sample_pdf,
            fmt="pades",
            signer=get_signer("secretario"),
            appearance={
                "signer_name": "Jon Etxebarria",
                "on_behalf_of": "Secretaría General (titular: Ane Zubiri)",
                "mode": "suplencia",
            },
        )
        text = _appearance_text(result.data)
        assert "Secretaría General (titular: Ane Zubiri)" in text
        assert "En suplencia, firmado por: Jon Etxebarria" in text

    def test_without_appearance_the_seal_is_invisible(self, sample_pdf):
        result = sign(sample_pdf, fmt="pades", signer=get_signer("sello"))
        assert _appearance_text(result.data) == ""


class TestSignerChecks:
    """FIR-3: signing aborts when the signer's certificate fails its checks."""

    def test_an_expired_certificate_cannot_sign(self):
        with pytest.raises(SigningError, match="caducó"):
            sign(b"x", fmt="cades-attached", signer=get_signer("caducado"))

    def test_a_revoked_certificate_cannot_sign_when_revocation_is_checked(self, settings):
        sign(b"x", fmt="cades-attached", signer=get_signer("revocado"))  # check off: signs
        settings.FIRMA_REVOCATION_CHECK = True
        with pytest.raises(SigningError, match="revocado"):
            sign(b"x", fmt="cades-attached", signer=get_signer("revocado"))

    def test_an_untrusted_certificate_cannot_sign_when_checks_are_on(self, settings):
        settings.FIRMA_REVOCATION_CHECK = True
        with pytest.raises(SigningError, match="confianza"):
            sign(b"x", fmt="cades-attached", signer=get_signer("ajeno"))

    def test_a_good_certificate_signs_with_checks_on(self, settings):
        settings.FIRMA_REVOCATION_CHECK = True
        assert sign(b"x", fmt="cades-attached", signer=get_signer("funcionaria")).data


def test_an_ecdsa_p256_signer_works_in_every_format(test_pki, sample_pdf, sample_xml):
    from cryptography.hazmat.primitives.asymmetric import ec

    from firma.keys.demo_pki import issue, pkcs12_bytes, simple_subject
    from firma.keys.pkcs12 import load_pkcs12_signer
    from firma.validation import validate

    key = ec.generate_private_key(ec.SECP256R1())
    cert, _ = issue(
        test_pki.ca_cert, test_pki.ca_key, simple_subject("FIRMANTE EC (DEMO)"), key=key
    )
    signer = load_pkcs12_signer("ec", pkcs12_bytes("ec", key, cert, [test_pki.ca_cert], "p"), "p")
    for fmt, data in [
        ("pades", sample_pdf),
        ("xades-enveloped", sample_xml),
        ("xades-detached", b"x"),
        ("cades-attached", b"x"),
    ]:
        report = validate(sign(data, fmt=fmt, signer=signer).data)
        assert report.result == "valid", (fmt, report.summary)
