"""The TSA of a signature timestamp must be trusted (issue 4, FIR-3, FIR-9 mp.info.4).

PAdES B-T, XAdES-T and CAdES-T signed against TSAs started here on 127.0.0.1: the demo TSA
(chains to the demo CA, timeStamping EKU), one certified by a CA nobody trusts, and one
certified by the trusted demo CA but without the timeStamping usage.
"""

from __future__ import annotations

import pytest

from firma.keys import get_signer
from firma.keys.demo_pki import make_ca
from firma.signing import sign
from firma.validation import validate

from .conftest import PASSWORD
from .localpki import CODE_SIGNING, TIME_STAMPING, issue_cert, load_p12, tsa_server

FORMATS = ["pades", "xades-enveloped", "cades-attached"]


@pytest.fixture(scope="module")
def tsas(test_pki):
    """URLs of three local TSAs: trusted, untrusted root, trusted root without the EKU."""
    demo_cert, demo_key, demo_chain = load_p12(test_pki.pki.tsa_p12, PASSWORD)
    other_ca, other_key = make_ca("AC TSA AJENA (DEMO)")
    stranger, stranger_key = issue_cert(
        other_ca, other_key, "TSA AJENA (DEMO)", eku=[TIME_STAMPING]
    )
    ca_cert, ca_key = test_pki.ca_cert, test_pki.ca_key
    no_eku, no_eku_key = issue_cert(
        ca_cert, ca_key, "TSA SIN USO DE SELLADO (DEMO)", eku=[CODE_SIGNING], eku_critical=False
    )
    with (
        tsa_server(demo_cert, demo_key, demo_chain) as trusted,
        tsa_server(stranger, stranger_key, [other_ca]) as untrusted,
        tsa_server(no_eku, no_eku_key, [ca_cert]) as wrong_usage,
    ):
        yield {"trusted": trusted, "untrusted": untrusted, "wrong_usage": wrong_usage}


def _sign_with_tsa(settings, url: str, fmt: str, sample_pdf: bytes, sample_xml: bytes):
    settings.FIRMA_TSA_URL = url
    data = sample_pdf if fmt == "pades" else sample_xml
    return sign(data, fmt=fmt, signer=get_signer("sello"), timestamp=True).data


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_timestamp_from_a_trusted_tsa_validates(fmt, tsas, settings, sample_pdf, sample_xml):
    report = validate(_sign_with_tsa(settings, tsas["trusted"], fmt, sample_pdf, sample_xml))
    assert report.result == "valid", report.summary
    assert report.signatures[0].timestamp_time is not None


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_timestamp_from_an_untrusted_tsa_is_no_proof_and_the_signature_is_judged_now(
    fmt, tsas, settings, sample_pdf, sample_xml
):
    """EN 319 102-1 §5.5: a timestamp that does not validate is set aside; the certificate,
    valid today, is judged at the current time and the report says so."""
    report = validate(_sign_with_tsa(settings, tsas["untrusted"], fmt, sample_pdf, sample_xml))
    sig = report.signatures[0]
    assert (sig.indication, sig.subindication) == ("TOTAL-PASSED", ""), report.summary
    assert "timestamp_untrusted" in sig.codes
    assert sig.timestamp_time is None  # not used as proof of the signing time
    reason = sig.reasons[sig.codes.index("timestamp_untrusted")]
    assert "no se encadena con ninguna autoridad" in reason
    assert "fecha actual" in sig.validation_time_basis


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tsa_without_the_timestamping_usage_is_not_accepted(
    fmt, tsas, settings, sample_pdf, sample_xml
):
    report = validate(_sign_with_tsa(settings, tsas["wrong_usage"], fmt, sample_pdf, sample_xml))
    sig = report.signatures[0]
    assert sig.timestamp_time is None, report.summary
    assert "timestamp_untrusted" in sig.codes
    assert "timeStamping" in sig.reasons[sig.codes.index("timestamp_untrusted")]


def test_an_untrusted_tsa_is_shown_in_the_api_report(tsas, settings, sample_xml):
    data = _sign_with_tsa(settings, tsas["untrusted"], "cades-attached", b"", sample_xml)
    payload = validate(data).to_dict()
    assert payload["indication"] == "TOTAL-PASSED"
    assert "timestamp_untrusted" in payload["signatures"][0]["codes"]
    assert "fecha actual" in payload["signatures"][0]["validation_time_basis"]
    assert any("sello de tiempo" in r for r in payload["reasons"])
