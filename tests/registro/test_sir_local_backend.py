"""The local peer transport (``registro.sir.backends.local``): what it sends, what it returns,
how it fails (every failure a ``TransporteError``: the exchange stays pending), and HTTPS with
the peer's CA and a client certificate (mutual TLS), proxies from the environment."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import ssl
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured

from registro.sir.backends import get_backend
from registro.sir.backends.base import TransporteError
from registro.sir.backends.local import HttpPoster, LocalPeerBackend, parse_peers

PEER = "O00088888"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    status = 200
    answer = b"<De_Control/>"
    delay = 0.0
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen.append(
            {
                "path": self.path,
                "body": body,
                "headers": dict(self.headers),
                "client_cert": getattr(self.connection, "getpeercert", lambda: None)(),
            }
        )
        time.sleep(type(self).delay)
        self.send_response(self.status)
        payload = b"" if self.status == 204 else self.answer
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def _serve(handler, tls: ssl.SSLContext | None = None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def handler():
    class Handler(_Handler):
        seen: list[dict] = []

    return Handler


@pytest.fixture
def server(handler):
    server = _serve(handler)
    yield server
    server.shutdown()
    server.server_close()


def _peers(settings, url: str, **extra) -> LocalPeerBackend:
    settings.REGISTRO_SIR_BACKEND = "registro.sir.backends.local.LocalPeerBackend"
    settings.REGISTRO_SIR_PEERS = json.dumps({PEER: {"url": url, "token": "tok", **extra}})
    backend = get_backend()
    assert isinstance(backend, LocalPeerBackend)
    return backend


def _url(server, scheme: str = "http") -> str:
    return f"{scheme}://127.0.0.1:{server.server_address[1]}/api/registro/sir/mensajes/"


def test_it_posts_the_message_with_the_peers_token_and_returns_the_answer(
    settings, server, handler
):
    backend = _peers(settings, _url(server))
    assert backend.send(destino=PEER, data=b"<Fichero/>") == b"<De_Control/>"
    assert backend.send(destino=PEER, data=b"<Fichero/>") == b"<De_Control/>"
    (first, second) = handler.seen
    assert first["path"] == "/api/registro/sir/mensajes/"
    assert first["body"] == b"<Fichero/>"
    assert first["headers"]["Authorization"] == "Bearer tok"
    assert first["headers"]["Content-Type"] == "application/xml; charset=utf-8"
    assert second["body"] == b"<Fichero/>"


def test_no_answer_due_is_none_and_any_other_status_is_a_transport_error(settings, server, handler):
    backend = _peers(settings, _url(server))
    handler.status = 204
    assert backend.send(destino=PEER, data=b"<De_Control/>") is None
    handler.status, handler.answer = 503, b'{"detail": "reintente"}'
    with pytest.raises(TransporteError, match="HTTP 503"):
        backend.send(destino=PEER, data=b"<Fichero/>")
    handler.status = 302  # a redirect is not followed (a POST must not become a GET)
    with pytest.raises(TransporteError, match="HTTP 302"):
        backend.send(destino=PEER, data=b"<Fichero/>")


def test_an_unknown_destination_or_a_peer_down_is_a_transport_error(settings, server):
    backend = _peers(settings, _url(server))
    with pytest.raises(TransporteError, match="no route"):
        backend.send(destino="O00000001", data=b"x")
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    settings.REGISTRO_SIR_PEERS = json.dumps(
        {PEER: {"url": f"http://127.0.0.1:{port}/api/registro/sir/mensajes/", "token": "t"}}
    )
    with pytest.raises(TransporteError, match=PEER):
        get_backend().send(destino=PEER, data=b"x")


def test_it_waits_for_the_answer_no_longer_than_registro_sir_timeout(settings, server, handler):
    settings.REGISTRO_SIR_TIMEOUT = 1
    backend = _peers(settings, _url(server))
    handler.delay = 2.5
    began = time.monotonic()
    with pytest.raises(TransporteError, match="Timeout"):
        backend.send(destino=PEER, data=b"<Fichero/>")
    assert time.monotonic() - began < 2.4


def test_it_goes_through_the_proxy_the_environment_names(settings, handler, monkeypatch):
    proxy = _serve(handler)
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        backend = _peers(settings, "http://peer.invalid/api/registro/sir/mensajes/")
        assert backend.send(destino=PEER, data=b"<Fichero/>") == b"<De_Control/>"
        assert handler.seen[0]["path"] == "http://peer.invalid/api/registro/sir/mensajes/"
    finally:
        proxy.shutdown()
        proxy.server_close()


# --- HTTPS ----------------------------------------------------------------------------------


def _certificate(name: str, issuer=None, *, ca: bool = False, san: bool = False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256()), key


def _write(tmp_path, name: str, cert, key) -> tuple[str, str]:
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def pki(tmp_path):
    """A CA, the peer's server certificate and this office's client certificate."""
    ca = _certificate("Test SIR CA", ca=True)
    server = _certificate("127.0.0.1", ca, san=True)
    client = _certificate("O00099999", ca)
    return {
        "ca": _write(tmp_path, "ca", *ca)[0],
        "server": _write(tmp_path, "server", *server),
        "client": _write(tmp_path, "client", *client),
    }


def _tls_server(handler, pki, *, client_cert: bool):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*pki["server"])
    if client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki["ca"])
    return _serve(handler, context)


def test_https_verifies_the_peer_against_the_ca_given_for_it(settings, handler, pki):
    server = _tls_server(handler, pki, client_cert=False)
    try:
        url = _url(server, "https")
        backend = _peers(settings, url, ca=pki["ca"])
        assert backend.send(destino=PEER, data=b"<Fichero/>") == b"<De_Control/>"
        untrusted = _peers(settings, url)  # certifi's bundle does not know our test CA
        with pytest.raises(TransporteError, match="SSL"):
            untrusted.send(destino=PEER, data=b"<Fichero/>")
    finally:
        server.shutdown()
        server.server_close()


def test_https_reads_the_ca_bundle_from_the_environment_as_requests_does(
    settings, handler, pki, monkeypatch
):
    server = _tls_server(handler, pki, client_cert=False)
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", pki["ca"])
        backend = _peers(settings, _url(server, "https"))
        assert backend.send(destino=PEER, data=b"<Fichero/>") == b"<De_Control/>"
    finally:
        server.shutdown()
        server.server_close()


def test_mutual_tls_presents_this_offices_client_certificate(settings, handler, pki):
    server = _tls_server(handler, pki, client_cert=True)
    try:
        url = _url(server, "https")
        cert, key = pki["client"]
        backend = _peers(settings, url, ca=pki["ca"], cert=cert, key=key)
        assert backend.send(destino=PEER, data=b"<Fichero/>") == b"<De_Control/>"
        subject = dict(x[0] for x in handler.seen[0]["client_cert"]["subject"])
        assert subject["commonName"] == "O00099999"
        anonymous = _peers(settings, url, ca=pki["ca"])
        with pytest.raises(TransporteError):
            anonymous.send(destino=PEER, data=b"<Fichero/>")
    finally:
        server.shutdown()
        server.server_close()


def test_a_missing_ca_bundle_is_a_transport_error(settings, server, tmp_path):
    backend = _peers(settings, _url(server, "https"), ca=str(tmp_path / "nope.pem"))
    with pytest.raises(TransporteError, match="CA bundle"):
        backend.send(destino=PEER, data=b"x")


def test_peers_settings_are_checked():
    assert parse_peers({PEER: {"url": "https://x/", "token": "t", "ca": "/ca.pem"}}) == {
        PEER: {"url": "https://x/", "token": "t", "ca": "/ca.pem"}
    }
    with pytest.raises(ImproperlyConfigured):
        parse_peers('{"O1": {"url": "https://x/", "cert": 3}}')
    with pytest.raises(ImproperlyConfigured):
        parse_peers("not json")


def test_the_poster_reuses_one_pool_per_peer(server):
    poster = HttpPoster()
    url = _url(server)
    for _ in range(3):
        assert poster.post(url, b"x", {}, timeout=5)[0] == 200
    assert len(poster._pools) == 1
