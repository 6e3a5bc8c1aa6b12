"""Helpers for the validation tests: small certificates with AIA/EKU, and local HTTP servers.

Servers are a ThreadingHTTPServer on 127.0.0.1, port 0, in a daemon thread: real HTTP.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from firma.keys.base import LocalKeySigner
from firma.keys.demo_pki import VALID_FROM, new_key, simple_subject
from firma.signing import demo_tsa

# handler(path, body, content_type) -> (status, content_type, body)
Handler = Callable[[str, bytes, str], tuple[int, str, bytes]]


@contextlib.contextmanager
def http_server(handler: Handler) -> Iterator[dict]:
    """Serve ``handler`` on 127.0.0.1:<free port>; yields {"url": ..., "requests": [...]}."""
    requests: list[tuple[str, bytes]] = []

    class _Handler(BaseHTTPRequestHandler):
        def _answer(self, body: bytes) -> None:
            requests.append((self.path, body))
            status, ctype, payload = handler(self.path, body, self.headers.get("Content-Type", ""))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):  # noqa: N802 (http.server API)
            self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def do_GET(self):  # noqa: N802 (http.server API)
            self._answer(b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "requests": requests}
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url(path: str = "/ocsp") -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def issue_cert(
    ca_cert: x509.Certificate,
    ca_key,
    cn: str,
    *,
    ocsp_url: str | None = None,
    eku: list | None = None,
    eku_critical: bool = True,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    ocsp_no_check: bool = False,
):
    """An end-entity certificate, optionally with an OCSP AIA URL and extended key usages."""
    key = new_key()
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(simple_subject(cn))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or VALID_FROM)
        .not_valid_after(not_after or now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=eku is None,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
    if ocsp_no_check:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def local_signer(name: str, cert, key, chain) -> LocalKeySigner:
    return LocalKeySigner(name=name, certificate=cert, chain=list(chain), private_key=key)


TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING
OCSP_SIGNING = ExtendedKeyUsageOID.OCSP_SIGNING
CODE_SIGNING = ExtendedKeyUsageOID.CODE_SIGNING


tsa_server = demo_tsa.tsa_server  # one local TSA for tests, demo and bench


def load_p12(path, password: str):
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
    return cert, key, list(extra)
