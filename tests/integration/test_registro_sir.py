"""Two registry offices exchange for real over HTTP (REG-7..10): this test process (the
live server on the test database, office O00099999) and a peer — the same code served by
gunicorn on another port with its own database (``bs_sir_peer`` beside the test database,
office O00088888) — through the local peer transport.

send → ACK → confirm → ACK-Confirmación; send → reject → ACK-Rechazo; duplicate → refused;
peer down → retried later, nothing lost; a tampered annex → Error, never an entry.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from lxml import etree

from registro.models import Intercambio
from registro.sir import services
from registro.sir.backends import reset_backends
from registro.sir.constants import CodigoError, EstadoIntercambio, TipoMensaje
from tests.integration.sir_peer import (
    PEER_CODE,
    PEER_TOKEN,
    PEER_UNIT,
    Peer,
    database_url,
    ensure_database,
)
from tests.registro.conftest import make_pdf_bytes, oficina_sede, urbanismo  # noqa: F401
from tests.registro.conftest import register as register  # noqa: F401
from tests.registro.sir_fixtures import clerk as clerk  # noqa: F401
from tests.registro.sir_support import assert_valid, read, replace_annex

pytestmark = pytest.mark.integration

OUR_CODE = "O00099999"
OUR_TOKEN = "our-inbound-token-for-tests-9876543210"
E = EstadoIntercambio


@pytest.fixture(scope="module")
def peer_db_url(django_db_blocker) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("the two-instance SIR test needs PostgreSQL (DATABASE_URL=postgres://...)")
    # One peer database per pytest-xdist worker: two workers' peers sharing one would wipe
    # each other's exchanges (``reset_exchanges``) in the middle of a test.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = urlsplit(base).path.lstrip("/") + "_peer" + (f"_{worker}" if worker else "")
    ensure_database(base, name)
    return database_url(base, name)


@pytest.fixture(scope="module")
def peer(peer_db_url, live_server, tmp_path_factory, demo_pki_dir):
    from tests.conftest import DEMO_PKI_PASSWORD

    instance = Peer(
        db_url=peer_db_url,
        our_code=OUR_CODE,
        our_url=f"{live_server.url}/api/registro/sir/mensajes/",
        our_token=OUR_TOKEN,
        workdir=tmp_path_factory.mktemp("sir-peer"),
        extra_env={
            "FIRMA_PKI_DIR": str(demo_pki_dir),
            "FIRMA_KEYSTORE_PASSWORD": DEMO_PKI_PASSWORD,
        },
    )
    instance.prepare()
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture
def wired(peer, settings, transactional_db):
    """This instance routes PEER_CODE to the peer and accepts the peer's messages."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    settings.REGISTRO_SIR_BACKEND = "registro.sir.backends.local.LocalPeerBackend"
    settings.REGISTRO_SIR_PEERS = json.dumps(
        {PEER_CODE: {"url": peer.inbound, "token": PEER_TOKEN}}
    )
    settings.REGISTRO_SIR_INBOUND_TOKEN = OUR_TOKEN
    reset_backends()
    peer.reset_exchanges()
    if peer.process is None:
        peer.start()
    yield peer
    reset_backends()


def _peer_rows(peer) -> list[tuple]:
    return peer.sql(
        "SELECT id, identificador, estado, pendiente, asiento_id, fichero "
        "FROM registro_intercambio WHERE sentido = 'entrada' ORDER BY id"
    )


def _peer_entries(peer) -> int:
    return peer.sql("SELECT count(*) FROM registro_asiento WHERE canal = 'sir'")[0][0]


def _send(register, clerk):
    asiento = register()
    intercambio = services.intercambio_enviar(
        asiento=asiento, entidad_destino=PEER_CODE, actor=clerk
    )
    intercambio.refresh_from_db()
    return asiento, intercambio


def test_send_ack_confirm_ack_confirmation(wired, register, clerk):
    peer = wired
    entries_before = _peer_entries(peer)
    asiento, intercambio = _send(register, clerk)
    # The peer validated the file and answered ACK at once.
    assert intercambio.estado == E.ENVIADO, intercambio.ultimo_error
    [(peer_id, identificador, estado, pendiente, asiento_id, fichero)] = _peer_rows(peer)
    assert identificador == intercambio.identificador
    assert (estado, asiento_id) == ("recibido", None)
    assert fichero  # the pre-entry keeps the received file until a decision
    # The peer's clerk confirms through the peer's API: a numbered entry there, and the
    # Confirmación reaches this instance, which answers ACK-Confirmación.
    response = peer.api(
        "post", f"intercambios/{peer_id}/confirmar/", json={"unidad_destino": PEER_UNIT}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["estado"] == "aceptado"
    assert body["pendiente_de"] == ""  # ACK-Confirmación received
    assert body["asiento_numero"].split("/")[1] == "E"
    assert _peer_entries(peer) == entries_before + 1
    intercambio.refresh_from_db()
    assert intercambio.estado == E.CONFIRMADO
    assert intercambio.numero_registro_destino == body["asiento_numero"]
    actions = [e["accion"] for e in body["eventos"]]
    assert actions[:2] == ["recibir", "confirmar"] and "ack_confirmacion" in actions
    # The entry the peer registered carries the annex with the same hash.
    [(sha,)] = peer.sql(
        "SELECT d.sha256 FROM registro_asientodocumento d JOIN registro_asiento a "
        "ON a.id = d.asiento_id WHERE a.id = %s",
        [body["asiento"]],
    )
    assert sha == asiento.documentos.get().sha256


def test_send_reject_returns_with_the_reason(wired, register, clerk):
    peer = wired
    _asiento, intercambio = _send(register, clerk)
    [(peer_id, *_rest)] = _peer_rows(peer)
    response = peer.api(
        "post", f"intercambios/{peer_id}/rechazar/", json={"motivo": "No es competencia nuestra"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["estado"] == "devuelto"
    assert response.json()["pendiente_de"] == ""  # ACK-Rechazo received
    intercambio.refresh_from_db()
    assert intercambio.estado == E.RECHAZADO
    assert intercambio.motivo == "No es competencia nuestra"
    # Only a trace stays at the peer: no file, no entry.
    [(_id, _ident, estado, _p, asiento_id, fichero)] = _peer_rows(peer)
    assert (estado, asiento_id, fichero) == ("devuelto", None, "")


def test_duplicates_are_refused(wired, register, clerk):
    peer = wired
    _asiento, intercambio = _send(register, clerk)
    data = services.intercambio_fichero_bytes(intercambio=intercambio, actor=clerk)
    # The same file again (a retransmission): acknowledged, not stored twice.
    again = peer.post_message(data)
    assert again.status_code == 200
    assert read(again.content)["Tipo_Mensaje"] == TipoMensaje.ACK
    # Another file under the same identifier: refused.
    root = etree.fromstring(data)
    replace_annex(root, make_pdf_bytes("Otro contenido"), rehash=True)
    other = peer.post_message(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    answer = read(other.content)
    assert answer["Tipo_Mensaje"] == TipoMensaje.ERROR
    assert answer["Codigo_Error"] == CodigoError.DUPLICADO
    assert len(_peer_rows(peer)) == 1
    # Sending the same entry to the same office again sends nothing new.
    assert (
        services.intercambio_enviar(
            asiento=intercambio.asiento, entidad_destino=PEER_CODE, actor=clerk
        ).pk
        == intercambio.pk
    )


def test_peer_down_is_retried_later_and_nothing_is_lost(wired, register, clerk):
    peer = wired
    peer.stop()
    _asiento, intercambio = _send(register, clerk)
    assert intercambio.estado == E.PENDIENTE
    assert intercambio.intentos == 1 and intercambio.ultimo_error
    assert intercambio.proximo_intento_at > timezone.now()
    peer.start()
    later = timezone.now() + timedelta(minutes=10)
    assert services.intercambio_entregar(intercambio_id=intercambio.pk, now=later)
    intercambio.refresh_from_db()
    assert intercambio.estado == E.ENVIADO
    assert [r[1] for r in _peer_rows(peer)] == [intercambio.identificador]
    actions = list(intercambio.eventos.values_list("accion", flat=True))
    assert actions == ["enviar", "entrega_fallida", "ack"]


def test_a_tampered_annex_is_an_error_and_never_an_entry(wired, register, clerk, settings):
    peer = wired
    settings.REGISTRO_SIR_PEERS = "{}"  # build the file here, deliver it by hand
    reset_backends()
    _asiento, intercambio = _send(register, clerk)
    data = services.intercambio_fichero_bytes(intercambio=intercambio, actor=clerk)
    root = etree.fromstring(data)
    replace_annex(root, make_pdf_bytes("Manipulado en tránsito"))  # hash not updated
    entries_before = _peer_entries(peer)
    response = peer.post_message(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert response.status_code == 200
    assert_valid(response.content)
    answer = read(response.content)
    assert answer["Tipo_Mensaje"] == TipoMensaje.ERROR
    assert answer["Codigo_Error"] == CodigoError.HASH
    [(_id, _ident, estado, _p, asiento_id, fichero)] = _peer_rows(peer)
    assert (estado, asiento_id, fichero) == ("error", None, "")
    assert _peer_entries(peer) == entries_before
    # The peer's clerk cannot confirm it.
    response = peer.api(
        "post", f"intercambios/{_id}/confirmar/", json={"unidad_destino": PEER_UNIT}
    )
    assert response.status_code == 400


def test_the_inbound_endpoint_needs_the_token(wired):
    peer = wired
    import requests

    response = requests.post(
        peer.inbound,
        data=b"<De_Control/>",
        headers={"Content-Type": "application/xml", "Authorization": "Bearer wrong"},
        timeout=10,
    )
    assert response.status_code == 403
    assert PEER_UNIT  # the peer's own unit exists (seeded)
    assert Intercambio.objects.count() == 0


@pytest.fixture
def worker_routes(wired, monkeypatch):
    """The Celery worker process reads its routes from the environment (set before it starts)."""
    monkeypatch.setenv(
        "REGISTRO_SIR_PEERS", json.dumps({PEER_CODE: {"url": wired.inbound, "token": PEER_TOKEN}})
    )
    return wired


def test_a_real_worker_delivers_and_a_dead_worker_loses_nothing(
    worker_routes, celery_worker, register, clerk
):
    """The delivery task runs in a real Celery worker; with the worker killed, the published
    task waits in the broker and a fresh worker delivers it."""
    peer = worker_routes
    _asiento, first = _send(register, clerk)
    celery_worker(
        lambda: Intercambio.objects.filter(pk=first.pk, estado=E.ENVIADO).exists(), timeout=90
    )
    celery_worker.kill()
    _asiento, second = _send(register, clerk)
    assert second.estado == E.PENDIENTE  # published, nobody to run it yet
    celery_worker.start()
    celery_worker(
        lambda: Intercambio.objects.filter(pk=second.pk, estado=E.ENVIADO).exists(), timeout=90
    )
    assert {r[1] for r in _peer_rows(peer)} == {first.identificador, second.identificador}
