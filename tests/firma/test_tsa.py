"""RFC 3161 timestamps (PAdES B-T/B-LT, CAdES-T, XAdES-T) against a TSA started here.

The TSA is pyHanko's DummyTimeStamper (with the demo PKI's TSA certificate) behind a tiny
http.server on 127.0.0.1 in a thread: real HTTP, real RFC 3161 messages.
"""

from __future__ import annotations

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from firma.keys import get_signer
from firma.signing import SigningError, sign
from firma.validation import validate

from .conftest import PASSWORD


@pytest.fixture(scope="session")
def local_tsa(test_pki):
    key, cert, extra = pkcs12.load_key_and_certificates(
        test_pki.pki.tsa_p12.read_bytes(), PASSWORD.encode()
    )
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        certs_to_embed=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in extra],
    )
    requests: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(body)
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/tsa", "requests": requests}
    server.shutdown()
    server.server_close()


@pytest.fixture
def tsa_settings(settings, local_tsa):
    settings.FIRMA_TSA_URL = local_tsa["url"]
    return local_tsa


class TestPades:
    def test_b_t_carries_a_timestamp_that_validates(self, tsa_settings, sample_pdf):
        before = len(tsa_settings["requests"])
        result = sign(sample_pdf, fmt="pades", signer=get_signer("sello"), pades_level="B-T")
        assert len(tsa_settings["requests"]) == before + 1  # asked the TSA, over HTTP
        assert result.timestamped and result.pades_level == "B-T"
        report = validate(result.data)
        assert report.result == "valid", report.summary
        assert report.signatures[0].timestamp_time is not None

    def test_b_lt_adds_validation_data(self, tsa_settings, sample_pdf):
        result = sign(sample_pdf, fmt="pades", signer=get_signer("sello"), pades_level="B-LT")
        reader = PdfFileReader(io.BytesIO(result.data))
        dss = reader.root["/DSS"]
        assert len(dss["/Certs"]) >= 2  # signer's chain kept for long-term validation
        assert "/CRLs" in dss  # the demo CA's CRL
        report = validate(result.data)
        assert report.result == "valid", report.summary
        assert report.signatures[0].timestamp_time is not None

    def test_timestamp_flag_upgrades_b_b(self, tsa_settings, sample_pdf):
        result = sign(sample_pdf, fmt="pades", signer=get_signer("sello"), timestamp=True)
        assert result.pades_level == "B-T"


class TestCadesAndXades:
    def test_cades_t(self, tsa_settings):
        result = sign(b"acto", fmt="cades-attached", signer=get_signer("sello"), timestamp=True)
        report = validate(result.data)
        assert report.result == "valid", report.summary
        sig = report.signatures[0]
        assert sig.timestamp_time is not None
        assert sig.timestamp_time >= result.signed_at

    def test_xades_t(self, tsa_settings):
        result = sign(
            b"<a>1</a>", fmt="xades-enveloped", signer=get_signer("sello"), timestamp=True
        )
        assert b"SignatureTimeStamp" in result.data
        report = validate(result.data)
        assert report.result == "valid", report.summary
        assert report.signatures[0].timestamp_time is not None

    def test_a_timestamp_taken_from_another_signature_is_no_proof_of_existence(self, tsa_settings):
        """EN 319 102-1 §5.5: a timestamp that does not validate is set aside (reported),
        and the signature is judged at the current time without it."""
        ns = {"xades": "http://uri.etsi.org/01903/v1.3.2#"}
        one = sign(b"<a>1</a>", fmt="xades-enveloped", signer=get_signer("sello"), timestamp=True)
        two = sign(b"<a>2</a>", fmt="xades-enveloped", signer=get_signer("sello"), timestamp=True)
        root = etree.fromstring(one.data)
        foreign = etree.fromstring(two.data).find(".//xades:EncapsulatedTimeStamp", ns).text
        root.find(".//xades:EncapsulatedTimeStamp", ns).text = foreign
        report = validate(etree.tostring(root))
        sig = report.signatures[0]
        assert sig.integrity_ok is True  # unsigned property: signature intact
        assert "timestamp_invalid" in sig.codes
        assert sig.timestamp_time is None
        assert "fecha actual" in sig.validation_time_basis
        assert any("no se usa como prueba" in r or "no es válido" in r for r in sig.reasons)

    def test_a_garbage_timestamp_is_reported_not_raised(self, tsa_settings):
        ns = {"xades": "http://uri.etsi.org/01903/v1.3.2#"}
        one = sign(b"<a>1</a>", fmt="xades-enveloped", signer=get_signer("sello"), timestamp=True)
        root = etree.fromstring(one.data)
        root.find(".//xades:EncapsulatedTimeStamp", ns).text = base64.b64encode(b"junk").decode()
        report = validate(etree.tostring(root))
        assert "timestamp_invalid" in report.signatures[0].codes


def test_an_unreachable_tsa_fails_the_signature_clearly(settings, sample_pdf):
    import socket

    with socket.socket() as probe:  # a port on which nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FIRMA_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    with pytest.raises(SigningError, match="timestamp"):
        sign(b"x", fmt="cades-attached", signer=get_signer("sello"), timestamp=True)
