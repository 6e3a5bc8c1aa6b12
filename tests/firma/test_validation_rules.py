"""Issue 13: our own corpus, one real signature per rule of ETSI EN 319 102-1 we apply.

Each case is made here with real keys and certificates (the session's demo PKI and
certificates built for the case) and validated through the public ``validate``; the
verdict is the indication and sub-indication EN 319 102-1 (and the EU DSS validator) give.
The cases of the shared corpus are in test_validation_sigcorpus.py; the non-DER signed
attributes and the unknown policy cases are in test_validation.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from firma.keys import get_signer
from firma.keys.demo_pki import issue, make_ca, simple_subject
from firma.signing import sign
from firma.signing.pades import policy_spec
from firma.validation import validate
from firma.validation.trust import to_asn1

from .conftest import PASSWORD
from .localpki import load_p12, local_signer, tsa_server

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _verdict(report) -> tuple[str, str]:
    return report.indication, report.subindication


@pytest.fixture
def tsa_url(settings, test_pki):
    cert, key, chain = load_p12(test_pki.pki.tsa_p12, PASSWORD)
    with tsa_server(cert, key, chain) as url:
        settings.FIRMA_TSA_URL = url
        yield url


class TestTimeAndProofOfExistence:
    """The signing-time attribute is the signer's claim; only a trusted timestamp proves."""

    def test_expired_certificate_and_backdated_signing_time_without_timestamp(self):
        """Signed (by the clock of the signer) while the certificate was valid, judged now
        that it has expired: nothing proves the claim → INDETERMINATE/OUT_OF_BOUNDS_NO_POE."""
        with time_machine.travel(NOW - dt.timedelta(days=60), tick=False):
            signed = sign(b"acta", fmt="cades-attached", signer=get_signer("caducado"))
        report = validate(signed.data)
        (sig,) = report.signatures
        assert sig.signing_time < sig.certificate_not_after  # the claim is within validity
        assert _verdict(report) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE"), report.summary
        assert report.result != "valid"
        assert "no es una prueba" in report.summary

    @pytest.mark.parametrize("fmt", ["pades", "xades-enveloped", "cades-attached"])
    def test_backdated_claims_fail_alike_in_every_format(self, fmt, sample_pdf, sample_xml):
        data = sample_pdf if fmt == "pades" else sample_xml
        with time_machine.travel(NOW - dt.timedelta(days=60), tick=False):
            signed = sign(data, fmt=fmt, signer=get_signer("caducado"))
        assert _verdict(validate(signed.data)) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")

    def test_the_same_signature_with_a_trusted_timestamp_then_is_valid(self, tsa_url):
        with time_machine.travel(NOW - dt.timedelta(days=60), tick=False):
            signed = sign(
                b"acta", fmt="cades-attached", signer=get_signer("caducado"), timestamp=True
            )
        report = validate(signed.data)
        (sig,) = report.signatures
        assert _verdict(report) == ("TOTAL-PASSED", ""), report.summary
        assert sig.validation_time == sig.timestamp_time
        assert "sello de tiempo de confianza" in sig.validation_time_basis

    def test_a_past_validation_time_can_be_given(self):
        """Reproduce a validation as it was on a given date (the DSS tests do so)."""
        with time_machine.travel(NOW - dt.timedelta(days=60), tick=False):
            signed = sign(b"acta", fmt="cades-attached", signer=get_signer("caducado"))
        report = validate(signed.data, validation_time=NOW - dt.timedelta(days=50))
        assert _verdict(report) == ("TOTAL-PASSED", ""), report.summary


class TestChain:
    def test_an_intermediate_that_is_not_a_ca(self, test_pki):
        """Built path, broken constraint → INDETERMINATE/CERTIFICATE_CHAIN_GENERAL_FAILURE
        (what DSS answers for an end-entity certificate that issued the signer's)."""
        not_ca, not_ca_key = issue(
            test_pki.ca_cert, test_pki.ca_key, simple_subject("ENTIDAD FINAL QUE EMITE")
        )
        leaf, leaf_key = issue(not_ca, not_ca_key, simple_subject("FIRMANTE DE NO-CA"))
        signer = local_signer("noca", leaf, leaf_key, [not_ca, test_pki.ca_cert])
        report = validate(sign(b"x", fmt="cades-attached", signer=signer, check_signer=False).data)
        assert _verdict(report) == ("INDETERMINATE", "CERTIFICATE_CHAIN_GENERAL_FAILURE")
        assert "basicConstraints" in report.summary

    def test_an_unknown_root_is_no_certificate_chain_found(self, sample_pdf):
        report = validate(sign(sample_pdf, fmt="pades", signer=get_signer("ajeno")).data)
        assert _verdict(report) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")

    def test_an_intermediate_carried_only_in_the_pdf_dss_completes_the_path(
        self, test_pki, sample_pdf
    ):
        """PAdES /DSS /Certs are used to build the path (issue 13, item 5)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation.dss import DocumentSecurityStore

        sub, sub_key = make_ca("AC SUBORDINADA", issuer=(test_pki.ca_cert, test_pki.ca_key))
        leaf, leaf_key = issue(sub, sub_key, simple_subject("FIRMANTE CON SUBORDINADA"))
        signer = local_signer("sub", leaf, leaf_key, [])  # the CMS carries the leaf only
        signed = sign(sample_pdf, fmt="pades", signer=signer, check_signer=False).data
        without = validate(signed)
        assert _verdict(without) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")

        contents = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].pkcs7_content
        writer = IncrementalPdfFileWriter(io.BytesIO(signed))
        DocumentSecurityStore.supply_dss_in_writer(writer, contents, certs=[to_asn1(sub)])
        out = io.BytesIO()
        writer.write(out)
        assert _verdict(validate(out.getvalue())) == ("TOTAL-PASSED", "")


class TestCryptographicConstraints:
    def test_an_rsa_1024_signer_from_a_trusted_root(self, test_pki):
        """RSA < 2048 bits on material made after the table's end date for it."""
        weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        cert, _ = issue(
            test_pki.ca_cert, test_pki.ca_key, simple_subject("FIRMANTE RSA 1024"), key=weak
        )
        signer = local_signer("rsa1024", cert, weak, [test_pki.ca_cert])
        report = validate(sign(b"x", fmt="cades-attached", signer=signer, check_signer=False).data)
        (sig,) = report.signatures
        assert sig.integrity_ok is True and sig.chain_ok is True  # only the key size fails
        assert _verdict(report) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE"), report.summary
        assert "RSA 1024" in report.summary

    def test_sha1_after_its_cut_off_date(self):
        signer = get_signer("sello")
        attrs = PdfCMSSignedAttributes(
            signing_time=dt.datetime.now(dt.UTC), cades_signed_attrs=policy_spec()
        )
        info = asyncio.run(
            signer.pyhanko_signer.async_sign_general_data(
                b"x", "sha1", detached=False, use_cades=True, signed_attr_settings=attrs
            )
        )
        report = validate(info.dump())
        assert _verdict(report) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE"), report.summary
        assert "SHA1" in report.summary

    def test_the_table_is_also_applied_to_the_certificates_of_the_path(self, settings, test_pki):
        weak_ca = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        ca, _ = make_ca("AC DEBIL 1024", key=weak_ca)
        leaf, leaf_key = issue(ca, weak_ca, simple_subject("FIRMANTE DE AC DEBIL"))
        signer = local_signer("weakca", leaf, leaf_key, [ca])
        data = sign(b"x", fmt="cades-attached", signer=signer, check_signer=False).data
        # The weak CA is a trust anchor itself: anchors are trusted as configured, but the
        # leaf's certificate was signed with its 1024-bit key after the end date.
        anchor = test_pki.directory / "ac-debil.pem"
        anchor.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        settings.FIRMA_TRUST_ANCHORS = [str(test_pki.pki.ca_pem), str(anchor)]
        report = validate(data)
        assert _verdict(report) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE"), report.summary


class TestRevocation:
    def test_revoked_before_the_claimed_signing_time_is_total_failed(self, settings):
        settings.FIRMA_REVOCATION_CHECK = True
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("revocado"), check_signer=False)
        report = validate(signed.data)
        assert _verdict(report) == ("TOTAL-FAILED", "REVOKED"), report.summary
        assert report.signatures[0].revocation_status == "revoked"

    def test_revoked_with_a_backdated_claim_is_never_valid(self, settings):
        """A claim before the revocation proves nothing → REVOKED_NO_POE, never valid."""
        settings.FIRMA_REVOCATION_CHECK = True
        with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
            signed = sign(b"x", fmt="cades-attached", signer=get_signer("revocado"))
        report = validate(signed.data)
        assert _verdict(report) == ("INDETERMINATE", "REVOKED_NO_POE"), report.summary
        assert report.result != "valid"
        assert "Revocación" in report.summary

    def test_revocation_off_is_said_in_the_report(self):
        report = validate(sign(b"x", fmt="cades-attached", signer=get_signer("sello")).data)
        assert report.signatures[0].revocation_status == "not_checked"
        assert "Revocación: no comprobada" in report.summary


class TestPoliciesAsData:
    """Bilbao's own signature policy, configured as data (OID, digest, URI, rules)."""

    OID = "2.16.724.1.4.48.1.1"

    @pytest.fixture
    def bilbao_policy(self, settings, tmp_path):
        import base64
        import hashlib

        digest = base64.b64encode(hashlib.sha256(b"Politica de firma de Bilbao").digest())
        path = tmp_path / "politicas.json"
        entry = {
            "oid": self.OID,
            "name": "Política de firma del Ayuntamiento de Bilbao",
            "version": "1.0",
            "digest_algorithm": "sha256",
            "digest": digest.decode(),
            "uri": "https://www.bilbao.eus/politica-firma.pdf",
            "rules": {"digest_algorithms": ["sha256", "sha384", "sha512"]},
        }
        path.write_text(json.dumps([entry]), encoding="utf-8")
        settings.FIRMA_SIGNATURE_POLICIES_FILE = str(path)
        return {"path": path, "entry": entry}

    def test_the_council_signs_with_the_configured_policy_and_it_is_recognised(
        self, settings, bilbao_policy
    ):
        settings.FIRMA_SIGNING_POLICY = self.OID
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("sello"))
        assert signed.policy_oid == self.OID
        report = validate(signed.data)
        (sig,) = report.signatures
        assert _verdict(report) == ("TOTAL-PASSED", "")
        assert sig.policy_oid == self.OID and sig.policy_digest_ok is True
        assert sig.policy_name.startswith("Política de firma del Ayuntamiento de Bilbao")

    def test_a_rule_of_the_policy_is_applied(self, settings, bilbao_policy):
        settings.FIRMA_SIGNING_POLICY = self.OID
        signed = sign(b"x", fmt="cades-attached", signer=get_signer("sello")).data
        bilbao_policy["entry"]["rules"] = {"require_timestamp": True}
        bilbao_policy["path"].write_text(json.dumps([bilbao_policy["entry"]]), encoding="utf-8")
        report = validate(signed)
        assert _verdict(report) == ("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE"), report.summary
        assert "sello de tiempo" in report.summary

    def test_a_digest_that_does_not_match_is_a_policy_processing_error(
        self, settings, bilbao_policy, sample_xml
    ):
        settings.FIRMA_SIGNING_POLICY = self.OID
        signed = sign(sample_xml, fmt="xades-enveloped", signer=get_signer("sello")).data
        bilbao_policy["entry"]["digest"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        bilbao_policy["path"].write_text(json.dumps([bilbao_policy["entry"]]), encoding="utf-8")
        assert _verdict(validate(signed)) == ("INDETERMINATE", "POLICY_PROCESSING_ERROR")

    def test_a_bad_policy_file_is_a_configuration_error(self, settings, tmp_path):
        from django.core.exceptions import ImproperlyConfigured

        from firma.policy import configured_policies

        path = tmp_path / "p.json"
        path.write_text(json.dumps([{"oid": "1.2.3", "digest": "xx", "rules": {"x": 1}}]))
        settings.FIRMA_SIGNATURE_POLICIES_FILE = str(path)
        with pytest.raises(ImproperlyConfigured):
            configured_policies()


class TestMessagesSayWhatIsMissing:
    def test_an_untrusted_root_is_named(self, sample_pdf):
        report = validate(sign(sample_pdf, fmt="pades", signer=get_signer("ajeno")).data)
        assert "AC AJENA (DEMO)" in report.signatures[0].reasons[0]
        assert "no está entre las autoridades de confianza" in report.signatures[0].reasons[0]

    def test_a_missing_intermediate_is_named(self, test_pki):
        sub, sub_key = make_ca("AC INTERMEDIA AUSENTE", issuer=(test_pki.ca_cert, test_pki.ca_key))
        leaf, leaf_key = issue(sub, sub_key, simple_subject("FIRMANTE SIN CADENA"))
        signer = local_signer("sincadena", leaf, leaf_key, [])
        report = validate(sign(b"x", fmt="cades-attached", signer=signer, check_signer=False).data)
        assert _verdict(report) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
        assert "falta el certificado del emisor" in report.summary
        assert "AC INTERMEDIA AUSENTE" in report.summary


class TestDerInPades:
    """RFC 5652 §5.4 in PAdES too, through the same code path as CAdES."""

    def _pades_with_attrs(self, sample_pdf: bytes, *, sign_der: bool) -> bytes:
        from asn1crypto import cms, core

        signer = get_signer("sello")
        data = sign(sample_pdf, fmt="pades", signer=signer).data
        start = data.rindex(b"/Contents <") + len(b"/Contents <")
        end = data.index(b">", start)
        hex_len = end - start
        content_info = cms.ContentInfo.load(bytes.fromhex(data[start:end].decode()))
        signer_info = content_info["content"]["signer_infos"][0]
        attrs = list(signer_info["signed_attrs"])
        encoded = sorted(a.dump() for a in attrs)
        shuffled = list(reversed(encoded))  # not DER order
        assert shuffled != encoded
        as_received = core.Asn1Value(tag=17, method=1, class_=0, contents=b"".join(shuffled))
        der = core.Asn1Value(tag=17, method=1, class_=0, contents=b"".join(encoded))
        signature = signer.sign_raw(
            (der if sign_der else as_received).dump(), digest_algorithm="sha256"
        )
        signer_info["signed_attrs"] = cms.CMSAttributes.load(as_received.dump())
        signer_info["signature"] = signature
        blob = content_info.dump(force=False).hex().encode()
        assert len(blob) <= hex_len
        return data[:start] + blob.ljust(hex_len, b"0") + data[end:]

    def test_a_pades_signature_only_over_non_der_attributes_is_sig_crypto_failure(self, sample_pdf):
        report = validate(self._pades_with_attrs(sample_pdf, sign_der=False))
        assert _verdict(report) == ("TOTAL-FAILED", "SIG_CRYPTO_FAILURE"), report.summary
        assert "signed_attributes_not_der" in report.signatures[0].codes

    def test_a_pades_signature_over_der_but_received_out_of_order_is_valid(self, sample_pdf):
        report = validate(self._pades_with_attrs(sample_pdf, sign_der=True))
        assert _verdict(report) == ("TOTAL-PASSED", ""), report.summary
