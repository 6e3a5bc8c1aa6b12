"""Revocation by OCSP against a real responder started here (issue 4, FIR-3, FIR-9).

A small PKI of its own (so the demo CRL in FIRMA_CRLS says nothing about it): a CA, a
delegated OCSP responder and signers whose AIA names the local responder. The responder is
an http.server on 127.0.0.1 answering with ``cryptography``'s OCSPResponseBuilder.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from firma.keys import get_signer
from firma.keys.demo_pki import make_ca
from firma.signing import sign
from firma.validation import validate
from firma.validation.revocation import host_allowed

from .conftest import PASSWORD
from .localpki import (
    OCSP_SIGNING,
    closed_port_url,
    http_server,
    issue_cert,
    load_p12,
    local_signer,
    tsa_server,
)

NOW = dt.datetime.now(dt.UTC)


class Responder:
    """OCSP answers by serial: ("good"|"revoked", revocation time, reason); else unknown."""

    def __init__(self, ca_cert, ca_key, delegate_cert, delegate_key):
        self.ca_cert, self.ca_key = ca_cert, ca_key
        self.delegate_cert, self.delegate_key = delegate_cert, delegate_key
        self.status: dict[int, tuple] = {}
        self.rogue: tuple | None = None  # a "responder" certified by another CA

    def __call__(self, path: str, body: bytes, ctype: str):
        if ctype != "application/ocsp-request":
            return 415, "text/plain", b"expected an OCSP request"
        request = ocsp.load_der_ocsp_request(body)
        state, when, reason = self.status.get(request.serial_number, ("unknown", None, None))
        cert_status = {
            "good": ocsp.OCSPCertStatus.GOOD,
            "revoked": ocsp.OCSPCertStatus.REVOKED,
            "unknown": ocsp.OCSPCertStatus.UNKNOWN,
        }[state]
        now = dt.datetime.now(dt.UTC)
        delegated = path.startswith("/delegated")
        responder_cert = self.delegate_cert if delegated else self.ca_cert
        responder_key = self.delegate_key if delegated else self.ca_key
        if path.startswith("/rogue") and self.rogue:
            delegated = True
            responder_cert, responder_key = self.rogue
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=request.serial_number,
                algorithm=request.hash_algorithm,
                cert_status=cert_status,
                this_update=now - dt.timedelta(seconds=30),
                next_update=now + dt.timedelta(hours=1),
                revocation_time=when,
                revocation_reason=reason,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, responder_cert)
        )
        if delegated:
            builder = builder.certificates([responder_cert])
        for ext in request.extensions:
            if isinstance(ext.value, x509.OCSPNonce):
                builder = builder.add_extension(ext.value, critical=False)
        response = builder.sign(responder_key, hashes.SHA256())
        return 200, "application/ocsp-response", response.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def ocsp_pki(tmp_path_factory):
    ca_cert, ca_key = make_ca("AC OCSP (DEMO)")
    delegate, delegate_key = issue_cert(
        ca_cert, ca_key, "RESPONDEDOR OCSP (DEMO)", eku=[OCSP_SIGNING], ocsp_no_check=True
    )
    responder = Responder(ca_cert, ca_key, delegate, delegate_key)
    other_ca, other_key = make_ca("AC AJENA OCSP (DEMO)")
    responder.rogue = issue_cert(other_ca, other_key, "RESPONDEDOR AJENO", eku=[OCSP_SIGNING])
    anchors = tmp_path_factory.mktemp("ocsp") / "ca.pem"
    anchors.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    with http_server(responder) as server:
        base = server["url"]

        def signer(cn: str, *, path: str = "/ocsp", url: str | None = None):
            cert, key = issue_cert(ca_cert, ca_key, cn, ocsp_url=url or f"{base}{path}")
            return local_signer(cn, cert, key, [ca_cert])

        yield {
            "responder": responder,
            "server": server,
            "anchors": anchors,
            "signer": signer,
            "ca_cert": ca_cert,
        }


@pytest.fixture
def ocsp_on(settings, ocsp_pki, test_pki):
    settings.FIRMA_TRUST_ANCHORS = [str(test_pki.pki.ca_pem), str(ocsp_pki["anchors"])]
    settings.FIRMA_REVOCATION_CHECK = True
    settings.FIRMA_REVOCATION_HOSTS = ["127.0.0.1"]
    return ocsp_pki


def _sign(signer, data: bytes = b"Solicitud firmada") -> bytes:
    return sign(data, fmt="cades-attached", signer=signer, check_signer=False).data


def _set(pki, signer, state, when=None, reason=None):
    pki["responder"].status[signer.certificate.serial_number] = (state, when, reason)


def test_a_good_certificate_is_checked_by_ocsp_fir3(ocsp_on):
    signer = ocsp_on["signer"]("FIRMANTE OCSP BUENO")
    _set(ocsp_on, signer, "good")
    before = len(ocsp_on["server"]["requests"])
    report = validate(_sign(signer))
    assert len(ocsp_on["server"]["requests"]) > before  # really asked the responder
    sig = report.signatures[0]
    assert (report.result, sig.revocation_status) == ("valid", "good"), report.summary


def test_a_delegated_responder_is_accepted(ocsp_on):
    signer = ocsp_on["signer"]("FIRMANTE OCSP DELEGADO", path="/delegated")
    _set(ocsp_on, signer, "good")
    report = validate(_sign(signer))
    assert report.result == "valid", report.summary
    assert report.signatures[0].revocation_status == "good"


def test_revoked_before_signing_is_invalid_with_reason_and_date(ocsp_on):
    signer = ocsp_on["signer"]("FIRMANTE OCSP REVOCADO")
    revoked_at = NOW - dt.timedelta(days=1)
    _set(ocsp_on, signer, "revoked", revoked_at, x509.ReasonFlags.key_compromise)
    report = validate(_sign(signer))
    sig = report.signatures[0]
    assert report.result == "invalid"
    assert sig.revocation_status == "revoked"
    assert sig.codes == ["certificate_revoked"]
    assert revoked_at.date().isoformat() in sig.reasons[0]
    assert "clave comprometida" in sig.reasons[0]


def test_revoked_after_signing_without_timestamp_is_indeterminate(ocsp_on):
    signer = ocsp_on["signer"]("FIRMANTE OCSP REVOCADO DESPUES")
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        signed = _sign(signer)
    revoked_at = NOW - dt.timedelta(days=1)
    _set(ocsp_on, signer, "revoked", revoked_at, x509.ReasonFlags.superseded)
    report = validate(signed)
    sig = report.signatures[0]
    assert report.result == "indeterminate", report.summary
    assert sig.revocation_status == "revoked_after_signing"
    assert sig.codes == ["revoked_no_poe"]
    assert "sello de tiempo" in sig.reasons[0]


def test_revoked_after_a_timestamped_signature_stays_valid(ocsp_on, settings, local_tsa_url):
    settings.FIRMA_TSA_URL = local_tsa_url
    signer = ocsp_on["signer"]("FIRMANTE OCSP SELLADO")
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        signed = sign(b"x", fmt="cades-attached", signer=signer, timestamp=True, check_signer=False)
    _set(ocsp_on, signer, "revoked", NOW - dt.timedelta(days=1), x509.ReasonFlags.superseded)
    report = validate(signed.data)
    sig = report.signatures[0]
    assert report.result == "valid", report.summary
    assert sig.revocation_status == "revoked_after_signing"
    assert any("revocado" in w for w in sig.warnings)


def test_a_response_signed_by_an_unauthorised_responder_is_not_accepted(ocsp_on):
    signer = ocsp_on["signer"]("FIRMANTE OCSP RESPONDEDOR AJENO", path="/rogue")
    _set(ocsp_on, signer, "good")
    report = validate(_sign(signer))
    sig = report.signatures[0]
    assert report.result == "indeterminate", report.summary
    assert sig.codes == ["revocation_unknown"]
    assert "no es aceptable" in sig.reasons[0]


def test_unknown_status_is_indeterminate_with_a_reason(ocsp_on):
    signer = ocsp_on["signer"]("FIRMANTE OCSP DESCONOCIDO")  # not in the responder's table
    report = validate(_sign(signer))
    sig = report.signatures[0]
    assert report.result == "indeterminate"
    assert sig.revocation_status == "unknown"
    assert sig.codes == ["revocation_unknown"]
    assert "no conoce el certificado" in sig.reasons[0]


def test_an_unreachable_responder_is_indeterminate_not_a_crash(ocsp_on):
    url = closed_port_url()
    signer = ocsp_on["signer"]("FIRMANTE OCSP SIN RESPUESTA", url=url)
    report = validate(_sign(signer))
    sig = report.signatures[0]
    assert report.result == "indeterminate"
    assert sig.codes == ["revocation_unknown"]
    assert url in sig.reasons[0] and "no responde" in sig.reasons[0]


def test_a_host_not_in_the_allow_list_is_never_contacted(ocsp_on, settings):
    """The URLs come from uploaded certificates: no server-side request to other hosts."""
    settings.FIRMA_REVOCATION_HOSTS = ["ocsp.izenpe.com"]
    signer = ocsp_on["signer"]("FIRMANTE OCSP NO PERMITIDO")
    _set(ocsp_on, signer, "good")
    before = len(ocsp_on["server"]["requests"])
    report = validate(_sign(signer))
    assert len(ocsp_on["server"]["requests"]) == before
    sig = report.signatures[0]
    assert report.result == "indeterminate"
    assert sig.codes == ["revocation_unknown"]
    assert "FIRMA_REVOCATION_HOSTS" in sig.reasons[0]


def test_by_default_nothing_is_fetched_but_configured_crls_still_work(ocsp_on, settings):
    settings.FIRMA_REVOCATION_HOSTS = []
    signer = ocsp_on["signer"]("FIRMANTE OCSP POR DEFECTO")
    _set(ocsp_on, signer, "good")
    before = len(ocsp_on["server"]["requests"])
    report = validate(_sign(signer))
    assert report.result == "indeterminate"
    assert "FIRMA_REVOCATION_HOSTS" in report.signatures[0].reasons[0]
    assert len(ocsp_on["server"]["requests"]) == before
    # The demo CA's signers are covered by FIRMA_CRLS: no fetching needed.
    demo = sign(b"x", fmt="cades-attached", signer=get_signer("sello"))
    assert validate(demo.data).signatures[0].revocation_status == "good"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080/ocsp", True),
        ("https://127.0.0.1/crl", True),
        ("http://127.0.0.1.evil.example/ocsp", False),
        ("http://evil.example/?127.0.0.1", False),
        ("ftp://127.0.0.1/crl", False),
        ("file:///etc/passwd", False),
        ("ldap://127.0.0.1/cn=crl", False),
    ],
)
def test_allow_list_matches_exact_hosts_over_http_only(url, allowed):
    assert host_allowed(url, {"127.0.0.1"}) is allowed


@pytest.fixture(scope="module")
def local_tsa_url(test_pki):
    cert, key, chain = load_p12(test_pki.pki.tsa_p12, PASSWORD)
    with tsa_server(cert, key, chain) as url:
        yield url


def _ocsp_response_for(signer, url: str) -> bytes:
    """Ask the local responder directly, as a signing client collecting LT data would."""
    import requests

    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(signer.certificate, signer.chain[0], hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = requests.post(
        url, data=request, headers={"Content-Type": "application/ocsp-request"}, timeout=5
    )
    assert answer.status_code == 200
    return answer.content


def test_an_ocsp_response_embedded_in_the_cms_is_used_without_fetching(ocsp_on, settings):
    """CAdES-LT style: revocation data inside the signature; nothing fetched (default)."""
    from asn1crypto import cms
    from asn1crypto import ocsp as asn1_ocsp

    signer = ocsp_on["signer"]("FIRMANTE OCSP INCRUSTADO")
    _set(ocsp_on, signer, "good")
    response = _ocsp_response_for(signer, f"{ocsp_on['server']['url']}/ocsp")
    content_info = cms.ContentInfo.load(_sign(signer))
    content_info["content"]["crls"] = cms.RevocationInfoChoices(
        [
            cms.RevocationInfoChoice(
                {
                    "other": cms.OtherRevocationInfoFormat(
                        {
                            "other_rev_info_format": "ocsp_response",
                            "other_rev_info": asn1_ocsp.OCSPResponse.load(response),
                        }
                    )
                }
            )
        ]
    )
    settings.FIRMA_REVOCATION_HOSTS = []
    before = len(ocsp_on["server"]["requests"])
    report = validate(content_info.dump())
    assert len(ocsp_on["server"]["requests"]) == before
    assert report.result == "valid", report.summary
    assert report.signatures[0].revocation_status == "good"


def test_pades_b_lt_revocation_data_in_the_dss_is_used(settings, local_tsa_url, sample_pdf):
    """The CRL that signing put in the PDF's DSS answers for the signer later."""
    settings.FIRMA_TSA_URL = local_tsa_url
    signed = sign(sample_pdf, fmt="pades", signer=get_signer("sello"), pades_level="B-LT")
    settings.FIRMA_REVOCATION_CHECK = True
    settings.FIRMA_REVOCATION_HOSTS = []
    settings.FIRMA_CRLS = []  # only what the document carries
    report = validate(signed.data)
    assert report.signatures[0].revocation_status == "good", report.summary
    assert report.result == "valid", report.summary  # the TSA's status is in the DSS too


def test_cades_lt_revocation_values_attribute_is_used_without_fetching(ocsp_on, settings):
    """@firma CAdES-LT/-XL: BasicOCSPResponse in the revocation-values unsigned attribute."""
    from asn1crypto import cms
    from asn1crypto import ocsp as asn1_ocsp

    from firma.validation.trust import OID_REVOCATION_VALUES, RevocationValues

    signer = ocsp_on["signer"]("FIRMANTE OCSP CADES-LT")
    _set(ocsp_on, signer, "good")
    response = asn1_ocsp.OCSPResponse.load(
        _ocsp_response_for(signer, f"{ocsp_on['server']['url']}/ocsp")
    )
    content_info = cms.ContentInfo.load(_sign(signer))
    values = RevocationValues({"ocsp_vals": [response.basic_ocsp_response]})
    content_info["content"]["signer_infos"][0]["unsigned_attrs"] = cms.CMSAttributes(
        [cms.CMSAttribute({"type": OID_REVOCATION_VALUES, "values": [values]})]
    )
    settings.FIRMA_REVOCATION_HOSTS = []
    report = validate(content_info.dump())
    assert report.result == "valid", report.summary
    assert report.signatures[0].revocation_status == "good"


def test_xades_revocation_values_are_used_without_fetching(ocsp_on, settings, sample_xml):
    """XAdES-X-L/-LT: an EncapsulatedOCSPValue in the unsigned properties answers."""
    import base64

    from lxml import etree

    from firma.signing.xades import XADES_NS

    signer = ocsp_on["signer"]("FIRMANTE OCSP XADES-LT")
    _set(ocsp_on, signer, "good")
    response = _ocsp_response_for(signer, f"{ocsp_on['server']['url']}/ocsp")
    signed = sign(sample_xml, fmt="xades-enveloped", signer=signer, check_signer=False).data
    root = etree.fromstring(signed)
    qprops = root.find(f".//{{{XADES_NS}}}QualifyingProperties")
    path = ["UnsignedProperties", "UnsignedSignatureProperties", "RevocationValues", "OCSPValues"]
    node = qprops
    for name in path:
        child = node.find(f"{{{XADES_NS}}}{name}")
        node = child if child is not None else etree.SubElement(node, f"{{{XADES_NS}}}{name}")
    etree.SubElement(node, f"{{{XADES_NS}}}EncapsulatedOCSPValue").text = base64.b64encode(
        response
    ).decode()
    settings.FIRMA_REVOCATION_HOSTS = []
    before = len(ocsp_on["server"]["requests"])
    report = validate(etree.tostring(root))
    assert len(ocsp_on["server"]["requests"]) == before
    assert report.result == "valid", report.summary
    assert report.signatures[0].revocation_status == "good"
