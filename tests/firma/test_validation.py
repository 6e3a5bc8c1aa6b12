"""Validation of what we sign: valid round trips and each failure with its reason.

Issue 4 "Done when": a tampered document, an expired certificate, an unknown root and a
wrong policy each fail validation with the right reason; FIR-1/FIR-2 policy checks.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import json

import pytest
from asn1crypto import algos, cms, core
from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.ades.api import CAdESSignedAttrSpec
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from firma.keys import get_signer
from firma.policy import AGE_POLICY_V1_8, SignaturePolicy
from firma.signing import sign
from firma.signing._common import cms_policy_identifier
from firma.validation import validate

FORMATS = ["pades", "xades-enveloped", "xades-detached", "cades-detached", "cades-attached"]


def _payload(fmt, sample_pdf, sample_xml):
    return {"pades": sample_pdf, "xades-enveloped": sample_xml}.get(fmt, b"Decreto 2026/17")


def _validate_signed(result, original):
    detached = original if result.fmt == "cades-detached" else None
    return validate(result.data, detached_content=detached)


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_what_we_sign_validates(self, fmt, sample_pdf, sample_xml):
        data = _payload(fmt, sample_pdf, sample_xml)
        result = sign(data, fmt=fmt, signer=get_signer("sello"), reason="Sello de órgano")
        report = _validate_signed(result, data)

        assert report.result == "valid", report.summary
        (sig,) = report.signatures
        assert sig.integrity_ok and sig.chain_ok and sig.certificate_valid_at_signing
        assert sig.policy_oid == "2.16.724.1.3.1.1.2.1.9"
        assert sig.policy_ok is True
        assert sig.signer_name.startswith("SELLO DE ORGANO")
        assert sig.certificate_issuer.startswith("CN=AC DEMO Ayuntamiento de Bilbao")
        assert abs(sig.signing_time - result.signed_at) < dt.timedelta(seconds=2)
        assert sig.revocation_status == "not_checked"  # FIRMA_REVOCATION_CHECK off by default
        assert report.fmt.split("-")[0] == fmt.split("-")[0]
        json.dumps(report.to_dict())  # the API serialises it as is
        assert "válida" in report.summary

    def test_two_pades_signatures_both_validate(self, sample_pdf):
        """FIR-5: parallel signers each add an independent signature."""
        once = sign(sample_pdf, fmt="pades", signer=get_signer("funcionaria")).data
        twice = sign(once, fmt="pades", signer=get_signer("secretario")).data
        report = validate(twice)
        assert report.result == "valid", report.summary
        assert [s.signer_name.split()[0] for s in report.signatures] == ["ITZIAR", "JON"]
        assert report.signatures[0].covers_whole_document is False
        assert report.signatures[1].covers_whole_document is True

    def test_two_xades_enveloped_signatures_both_validate(self, sample_xml):
        once = sign(sample_xml, fmt="xades-enveloped", signer=get_signer("funcionaria")).data
        twice = sign(once, fmt="xades-enveloped", signer=get_signer("secretario")).data
        report = validate(twice)
        assert report.result == "valid", report.summary
        assert [s.signer_name.split()[0] for s in report.signatures] == ["ITZIAR", "JON"]
        # Changing the document breaks both.
        broken = validate(twice.replace(b"Se concede", b"Se deniega"))
        assert [s.integrity_ok for s in broken.signatures] == [False, False]

    def test_legacy_policy_v1_8_is_accepted(self):
        """FIR-2."""
        report = validate(_cades_with_policy(b"hola", AGE_POLICY_V1_8))
        assert report.result == "valid", report.summary
        assert report.signatures[0].policy_oid == "2.16.724.1.3.1.1.2.1.8"


class TestTampering:
    def test_pades_bytes_changed_inside_the_signed_range(self, sample_pdf):
        signed = sign(sample_pdf, fmt="pades", signer=get_signer("sello")).data
        tampered = signed.replace(b"Resoluci", b"Resoluxi", 1)
        assert tampered != signed
        report = validate(tampered)
        assert report.result == "invalid"
        assert "integrity_failed" in report.signatures[0].codes
        assert report.signatures[0].integrity_ok is False

    def test_pades_page_added_after_signing(self, sample_pdf):
        signed = sign(sample_pdf, fmt="pades", signer=get_signer("sello")).data
        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        from pyhanko.pdf_utils import writer as pdf_writer

        page = pdf_writer.PageObject(
            contents=writer.add_object(generic.StreamObject(stream_data=b"")),
            media_box=[0, 0, 595, 842],
        )
        writer.insert_page(page)
        out = io.BytesIO()
        writer.write(out)
        report = validate(out.getvalue())
        (sig,) = report.signatures
        assert sig.integrity_ok is True  # the signed revision itself is intact
        assert "modified_after_signing" in sig.codes
        assert report.result == "invalid"

    def test_xades_enveloped_content_changed(self, sample_xml):
        signed = sign(sample_xml, fmt="xades-enveloped", signer=get_signer("sello")).data
        tampered = signed.replace(b"Se concede", b"Se deniega")
        report = validate(tampered)
        assert report.result == "invalid"
        assert "integrity_failed" in report.signatures[0].codes

    def test_xades_detached_content_changed(self):
        signed = sign(b"original", fmt="xades-detached", signer=get_signer("sello")).data
        root = etree.fromstring(signed)
        content = root.find("{http://www.bilbao.eus/firma/afirma}CONTENT")
        content.text = "b3RybyBkb2N1bWVudG8="  # "otro documento"
        report = validate(etree.tostring(root))
        assert report.result == "invalid"
        assert "integrity_failed" in report.signatures[0].codes

    def test_cades_attached_content_changed(self):
        signed = sign(b"importe: 100 EUR", fmt="cades-attached", signer=get_signer("sello")).data
        report = validate(signed.replace(b"100 EUR", b"900 EUR"))
        assert report.result == "invalid"
        assert "integrity_failed" in report.signatures[0].codes
        assert "modificado" in report.reasons[0]

    def test_cades_detached_with_another_document(self):
        signed = sign(b"documento A", fmt="cades-detached", signer=get_signer("sello")).data
        assert validate(signed, detached_content=b"documento B").result == "invalid"

    def test_cades_detached_without_the_document_is_indeterminate(self):
        signed = sign(b"documento A", fmt="cades-detached", signer=get_signer("sello")).data
        report = validate(signed)
        assert report.result == "indeterminate"
        assert report.signatures[0].codes == ["detached_content_missing"]


class TestCertificates:
    def test_an_expired_certificate_without_timestamp_is_out_of_bounds_no_poe(self):
        """EN 319 102-1: judged now (no proof of existence), the certificate has expired."""
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("caducado"), check_signer=False)
        report = validate(signed.data)
        assert report.result == "indeterminate"
        assert (report.indication, report.subindication) == (
            "INDETERMINATE",
            "OUT_OF_BOUNDS_NO_POE",
        )
        (sig,) = report.signatures
        assert sig.integrity_ok is True
        assert sig.certificate_valid_at_signing is False
        assert "certificate_expired" in sig.codes
        assert "caducado" in report.summary

    def test_an_unknown_root_is_indeterminate_with_the_reason(self, sample_pdf):
        signed = sign(sample_pdf, fmt="pades", signer=get_signer("ajeno"))
        report = validate(signed.data)
        assert report.result == "indeterminate"
        assert report.signatures[0].codes == ["chain_untrusted"]
        assert "confianza" in report.signatures[0].reasons[0]

    def test_trusting_the_other_ca_makes_it_valid(self, settings, test_pki, sample_pdf):
        settings.FIRMA_TRUST_ANCHORS = [str(test_pki.pki.ca_pem), str(test_pki.unknown_ca_pem)]
        signed = sign(sample_pdf, fmt="pades", signer=get_signer("ajeno"))
        assert validate(signed.data).result == "valid"

    def test_no_trust_anchors_configured_means_nothing_is_trusted(self, settings):
        settings.FIRMA_TRUST_ANCHORS = ""
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("sello"))
        report = validate(signed.data)
        assert report.result == "indeterminate"
        assert report.signatures[0].codes == ["chain_untrusted"]

    def test_revocation_is_not_checked_unless_switched_on(self):
        signed = sign(b"x", fmt="xades-detached", signer=get_signer("revocado"))
        report = validate(signed.data)
        assert report.result == "valid"
        assert report.signatures[0].revocation_status == "not_checked"

    def test_a_revoked_certificate_fails_when_revocation_is_checked(self, settings):
        signed = sign(b"x", fmt="xades-detached", signer=get_signer("revocado"))
        settings.FIRMA_REVOCATION_CHECK = True
        report = validate(signed.data)
        assert report.result == "invalid"
        assert report.signatures[0].revocation_status == "revoked"
        assert "certificate_revoked" in report.signatures[0].codes

    def test_a_good_certificate_is_good_when_revocation_is_checked(self, settings):
        settings.FIRMA_REVOCATION_CHECK = True
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("funcionaria"))
        report = validate(signed.data)
        assert report.result == "valid", report.summary
        assert report.signatures[0].revocation_status == "good"

    def test_without_revocation_data_the_status_is_unknown(self, settings):
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("funcionaria"))
        settings.FIRMA_REVOCATION_CHECK = True
        settings.FIRMA_CRLS = []
        report = validate(signed.data)
        assert report.result == "indeterminate"
        assert report.signatures[0].codes == ["revocation_unknown"]

    def test_a_swapped_signer_certificate_is_detected(self, sample_xml):
        signed = sign(sample_xml, fmt="xades-enveloped", signer=get_signer("sello")).data
        other = get_signer("funcionaria").certificate_der
        root = etree.fromstring(signed)
        node = root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
        node.text = base64.b64encode(other).decode()
        report = validate(etree.tostring(root))
        assert report.result != "valid"
        assert "signer_certificate_mismatch" in report.signatures[0].codes


class TestPolicy:
    def test_an_unknown_policy_is_reported_not_failed(self):
        other = SignaturePolicy(
            version="x",
            oid="1.3.6.1.4.1.99999.1",
            qualifier="https://example.invalid/policy.pdf",
            hash_algorithm="sha1",
            hashes={"cades": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
        )
        report = validate(_cades_with_policy(b"hola", other))
        sig = report.signatures[0]
        assert report.indication == "TOTAL-PASSED", report.summary
        assert sig.policy_oid == "1.3.6.1.4.1.99999.1"
        assert sig.policy_digest_ok is None  # not a policy we know: digest not checkable
        assert any("1.3.6.1.4.1.99999.1" in w for w in sig.warnings)

    def test_the_age_oid_with_a_wrong_hash_is_a_policy_processing_error(self):
        forged = SignaturePolicy(
            version="1.9",
            oid="2.16.724.1.3.1.1.2.1.9",
            qualifier="https://sede.060.gob.es/politica_de_firma_anexo_1.pdf",
            hash_algorithm="sha1",
            hashes={"cades": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
        )
        report = validate(_cades_with_policy(b"hola", forged))
        assert report.result == "indeterminate"
        assert report.subindication == "POLICY_PROCESSING_ERROR"
        assert report.signatures[0].codes == ["policy_hash_mismatch"]
        assert report.signatures[0].policy_digest_ok is False

    def test_a_signature_without_policy_is_reported_but_not_failed(self):
        report = validate(_cades_with_policy(b"hola", None))
        assert report.result == "valid"
        assert report.signatures[0].policy_oid is None
        assert any("-EPES" in w for w in report.signatures[0].warnings)


class TestMalformed:
    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"hello world",
            b"%PDF-1.7\n garbage without xref",
            b"<root><unclosed>",
            b"<root>no signature</root>",
            b"\x30\x82\x01\x00\x06\x09garbage",
            b"MIIB" + b"A" * 40,
            b"\x00\x01\x02" * 100,
        ],
        ids=["empty", "text", "pdf", "xml", "xml-unsigned", "der", "base64", "binary"],
    )
    def test_a_malformed_file_gets_cannot_validate_with_a_reason(self, data):
        report = validate(data)
        assert report.result == "cannot_validate"
        assert report.reasons and report.reasons[0]
        assert report.signatures == []
        assert "No se puede validar" in report.summary

    def test_an_unsigned_pdf_cannot_be_validated(self, sample_pdf):
        report = validate(sample_pdf)
        assert report.result == "cannot_validate"
        assert "ninguna firma" in report.reasons[0]

    def test_xml_entities_are_not_expanded(self):
        bomb = (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>'
        )
        assert validate(bomb).result == "cannot_validate"


class TestNonDerOrderedAttributes:
    def test_a_signature_only_over_non_der_attributes_is_sig_crypto_failure(self):
        """RFC 5652 §5.4: the signature covers the DER encoding of the signed attributes.
        Attributes encoded out of DER order and signed as encoded fail, as in DSS."""
        data = _cms_with_attrs_out_of_order(b"contenido @firma")
        report = validate(data)
        sig = report.signatures[0]
        assert sig.integrity_ok is False
        assert (sig.indication, sig.subindication) == ("TOTAL-FAILED", "SIG_CRYPTO_FAILURE")
        assert "signed_attributes_not_der" in sig.codes
        assert "DER" in report.summary

    def test_attributes_encoded_out_of_order_but_signed_in_der_are_valid(self):
        """The answer depends on the DER form only, not on the order the bytes came in."""
        data = _cms_with_attrs_out_of_order(b"contenido @firma", sign_der=True)
        report = validate(data)
        assert report.signatures[0].integrity_ok is True, report.summary
        assert report.indication == "TOTAL-PASSED"


# --- helpers ----------------------------------------------------------------------------


def _cades_with_policy(data: bytes, policy: SignaturePolicy | None) -> bytes:
    signer = get_signer("sello")
    spec = CAdESSignedAttrSpec(
        signature_policy_identifier=cms_policy_identifier(policy) if policy else None
    )
    attrs = PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC), cades_signed_attrs=spec)
    info = asyncio.run(
        signer.pyhanko_signer.async_sign_general_data(
            data, "sha256", detached=False, use_cades=True, signed_attr_settings=attrs
        )
    )
    return info.dump()


def _cms_with_attrs_out_of_order(content: bytes, *, sign_der: bool = False) -> bytes:
    import hashlib

    signer = get_signer("sello")
    attrs = [
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(content).digest()]}),
        cms.CMSAttribute(
            {"type": "signing_time", "values": [cms.Time({"utc_time": dt.datetime.now(dt.UTC)})]}
        ),
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
    ]
    body = b"".join(a.dump() for a in attrs)  # deliberately not DER-sorted
    sorted_body = b"".join(sorted(a.dump() for a in attrs))
    assert body != sorted_body
    as_set = core.Asn1Value(tag=17, method=1, class_=0, contents=body).dump()
    der_set = core.Asn1Value(tag=17, method=1, class_=0, contents=sorted_body).dump()
    signature = signer.sign_raw(der_set if sign_der else as_set, digest_algorithm="sha256")
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {
                            "issuer": signer.asn1_certificate.issuer,
                            "serial_number": signer.asn1_certificate.serial_number,
                        }
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": cms.CMSAttributes.load(as_set),
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "data", "content": content},
            "certificates": [signer.asn1_certificate, *signer.asn1_chain],
            "signer_infos": [signer_info],
        }
    )
    raw = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
    # The trap is real: re-encoding in DER order breaks the signature.
    reparsed = cms.ContentInfo.load(raw)["content"]["signer_infos"][0]["signed_attrs"]
    assert body in raw and reparsed.contents == body
    return raw


class TestDamagedFiles:
    @pytest.mark.parametrize("fmt", ["pades", "xades-enveloped", "cades-attached"])
    def test_random_damage_is_reported_per_signature_never_crashes(
        self, fmt, sample_pdf, sample_xml, caplog
    ):
        import random

        data = sign(_payload(fmt, sample_pdf, sample_xml), fmt=fmt, signer=get_signer("sello")).data
        rng = random.Random(fmt)
        for _ in range(25):
            damaged = bytearray(data)
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
            report = validate(bytes(damaged))
            assert report.result in {"valid", "invalid", "indeterminate", "cannot_validate"}
            assert report.summary
        # Every damage was understood by the format's validator, not the last-resort handler.
        assert not [r for r in caplog.records if r.name == "firma.validation"]

    def test_damage_inside_the_signer_certificate_is_never_valid(self):
        signer = get_signer("sello")
        data = sign(b"hola", fmt="cades-attached", signer=signer).data
        start = data.find(signer.certificate_der)
        for offset in range(40, len(signer.certificate_der), 97):
            damaged = bytearray(data)
            damaged[start + offset] ^= 0x01
            assert validate(bytes(damaged)).result != "valid", offset
