"""A local RFC 3161 timestamp authority over HTTP, for the demo, the tests and the benchmark.

pyHanko's ``DummyTimeStamper`` signs with the given certificate and key (e.g. the demo PKI's
``tsa.p12``) behind a ``ThreadingHTTPServer`` on 127.0.0.1: real HTTP, real tokens. Never
for production: point ``FIRMA_TSA_URL`` at a qualified TSA there.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextlib.contextmanager
def tsa_server(cert, key, chain=()) -> Iterator[str]:
    """Serve a TSA signing with ``cert``/``key`` (cryptography objects); yields its URL."""
    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        certs_to_embed=[asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                status, ctype, reply = 415, "text/plain", b"expected a timestamp query"
            else:
                reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                status, ctype = 200, "application/timestamp-reply"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa"
    finally:
        server.shutdown()
        server.server_close()
