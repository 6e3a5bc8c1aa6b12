"""Fault tests (issue 17 items 4 and 16) with real processes: a broker that is not there, a
Redis stopped and restarted under a running worker, a worker killed in the middle of a
batch whose message the broker really gives back (short visibility timeout).

Only PRIVATE services are stopped: a ``redis-server`` each test starts on a free port (never
the shared Redis), and a closed port standing for a dead broker.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from firma.models import Documento, DocumentoVersion
from registro.constants import EstadoAsiento
from registro.models import Asiento
from registro.services import justificantes_sweep
from sede.constants import EstadoBorrador
from tests.integration.conftest import free_port, start_worker, use_broker
from tests.integration.test_registro_worker_killed import TableWriteLock
from tests.registro.conftest import PKI_PASSWORD, oficina_sede, urbanismo  # noqa: F401
from tests.registro.conftest import register as register  # noqa: F401
from tests.registro.conftest import registro_pki as registro_pki  # noqa: F401
from tests.sede.filing_support import catalogo as catalogo  # noqa: F401
from tests.sede.filing_support import client_as as client_as  # noqa: F401
from tests.sede.test_submit import complete_instancia, new_draft
from tests.sede.test_submit import sin_firma as sin_firma  # noqa: F401

pytestmark = pytest.mark.integration

RECEIPT_NOTE = "registro.justificante"


@pytest.fixture
def worker_pki(monkeypatch, registro_pki):
    """Worker processes read FIRMA_* from their environment: point them at a demo PKI."""
    monkeypatch.setenv("FIRMA_PKI_DIR", str(registro_pki))
    monkeypatch.setenv("FIRMA_KEYSTORE_PASSWORD", PKI_PASSWORD)
    return registro_pki


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL (the worker shares the test database)")


@pytest.fixture
def publisher():
    """Restore this process's broker settings after a test points them elsewhere."""
    from bilbao_sede.celery import app

    previous = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    previous_queue = app.conf.task_default_queue
    previous_options = dict(app.conf.broker_transport_options)
    yield app
    app.conf.update(task_default_queue=previous_queue, broker_transport_options=previous_options)
    use_broker(previous["broker_url"])
    app.conf.update(task_always_eager=previous["task_always_eager"])


def sealed(asiento_id: int):
    return Asiento.objects.filter(pk=asiento_id, estado=EstadoAsiento.JUSTIFICANTE_SELLADO).first()


def receipt_documents() -> int:
    return DocumentoVersion.objects.filter(note=RECEIPT_NOTE).count()


# --- Issue 17 item 4: a dead broker ------------------------------------------------------


def test_reg5_with_the_broker_down_the_citizen_is_answered_at_once_and_the_sweep_seals_later(
    postgres, worker_pki, celery_worker, sin_firma, client_as, ciudadana, publisher, monkeypatch
):
    """Before: every registration waited ~20 s (the result backend's reconnection loop) and
    then answered. Now: one bounded attempt, the entry is left pending (the outbox), the
    citizen gets the receipt page at once; the sweep publishes when the broker is back."""
    from registro.services import receipts

    client = client_as(ciudadana)
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    live = publisher.conf.broker_url
    publishes = []
    enqueue = receipts.justificante_enqueue

    def timed_enqueue(*, asiento_id):
        began = time.monotonic()
        published = enqueue(asiento_id=asiento_id)
        publishes.append((published, time.monotonic() - began))
        return published

    monkeypatch.setattr(receipts, "justificante_enqueue", timed_enqueue)
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    response = client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
    use_broker(live)
    monkeypatch.undo()

    assert response.status_code == 302
    [(published, waited)] = publishes
    assert published is False
    assert waited < 3, f"the submission waited {waited:.1f}s for a dead broker"
    borrador.refresh_from_db()
    assert borrador.estado == EstadoBorrador.PRESENTADO
    asiento = Asiento.objects.get()
    assert asiento.estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert asiento.numero in page.content.decode()

    # The broker is back: the periodic sweep (a few minutes later) publishes the receipt.
    assert justificantes_sweep(now=timezone.now() + timedelta(minutes=3)) == 1
    done = celery_worker(lambda: sealed(asiento.pk), timeout=90)
    assert done.justificante_csv and receipt_documents() == 1


# --- Issue 17 item 16: Redis stopped and restarted -----------------------------------------


def test_reg5_redis_stopped_and_restarted_under_a_running_worker_loses_no_receipt(
    postgres, worker_pki, private_redis, register, publisher, tmp_path
):
    publisher.conf.update(task_always_eager=False)
    use_broker(private_redis.url)
    worker = start_worker(broker_url=private_redis.url, log_dir=tmp_path)
    publisher.conf.update(task_default_queue=worker.queue)
    try:
        first = register()  # published on commit; the worker seals it
        worker(lambda: sealed(first.pk), timeout=90)

        private_redis.stop()  # Redis goes away under the running worker
        began = time.monotonic()
        during = register()
        assert time.monotonic() - began < 3
        assert Asiento.objects.get(pk=during.pk).estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE

        private_redis.start()  # back, empty (no persistence): the message never existed
        assert worker.process.poll() is None, "the worker must survive the broker outage"
        # The sweep publishes what is pending; the same worker, reconnected, seals it.
        deadline = time.monotonic() + 30
        while justificantes_sweep(now=timezone.now() + timedelta(minutes=3)) == 0:
            assert time.monotonic() < deadline, "the sweep could not publish after the restart"
            Asiento.objects.filter(pk=during.pk).update(justificante_claimed_at=None)
            time.sleep(0.5)
        worker(lambda: sealed(during.pk), timeout=90)
        after = register()  # and new work flows again without any sweep
        worker(lambda: sealed(after.pk), timeout=90)
        assert receipt_documents() == 3
    finally:
        worker.stop()


# --- Issue 17 item 16: a worker killed mid-batch, the message redelivered by the broker ---


def _blocked_by(pid: int):
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid])
        row = cur.fetchone()
        return row[0] if row else None


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone() is None


def test_reg5_a_worker_killed_mid_batch_gets_its_message_redelivered_and_nothing_doubles(
    postgres, worker_pki, private_redis, register, publisher, tmp_path, monkeypatch
):
    """Five receipts queued; the worker seals two, is killed (SIGKILL) inside the third.
    With a short visibility timeout the BROKER gives the unacknowledged message to the
    next worker — no sweep involved — and every receipt is sealed exactly once."""
    from registro.services import receipts

    visibility = {"CELERY_VISIBILITY_TIMEOUT": "3"}
    publisher.conf.update(task_always_eager=False)
    publisher.conf.broker_transport_options = {
        **publisher.conf.broker_transport_options,
        "visibility_timeout": 3,
    }
    use_broker(private_redis.url)
    worker = start_worker(broker_url=private_redis.url, log_dir=tmp_path, extra_env=visibility)
    publisher.conf.update(task_default_queue=worker.queue)
    # Queue the batch only when it is complete: publish on commit is held back until then.
    held: list[int] = []
    monkeypatch.setattr(
        receipts, "justificante_enqueue", lambda *, asiento_id: held.append(asiento_id)
    )
    batch = [register() for _ in range(5)]
    monkeypatch.undo()
    lock = None
    try:
        for asiento_id in held[:2]:
            receipts.justificante_enqueue(asiento_id=asiento_id)
        for asiento in batch[:2]:
            worker(lambda a=asiento: sealed(a.pk), timeout=90)
        lock = TableWriteLock(Documento)
        for asiento_id in held[2:]:
            receipts.justificante_enqueue(asiento_id=asiento_id)
        backend = worker(lambda: _blocked_by(lock.pid), timeout=60)  # inside the third
        worker.kill()
        lock.release()
        lock = None
        deadline = time.monotonic() + 30
        while not _backend_gone(backend):  # PostgreSQL rolls the dead worker's work back
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert sealed(batch[2].pk) is None
        assert receipt_documents() == 2

        worker.start()  # a fresh worker on the same queue; no sweep is run in this test
        for asiento in batch[2:]:
            worker(lambda a=asiento: sealed(a.pk), timeout=90)
        assert receipt_documents() == 5
        assert Documento.objects.count() == 5
        # The third message was published once, before the kill, and no sweep ran: the
        # broker redelivered it.
    finally:
        if lock is not None:
            lock.release()
        worker.stop()


# --- Issue 17 item 16: PostgreSQL unavailable during a submission ------------------------


def test_the_database_going_away_mid_submission_shows_a_clear_page_and_writes_nothing(
    postgres, sin_firma, client_as, ciudadana, monkeypatch
):
    """The connection to PostgreSQL is cut while the submission's transaction is open (at
    the moment the registry number is taken): the citizen gets a clear 503 page, and once
    the database is back nothing was half-written — no entry, no number consumed, no
    submission — and the draft is there, unchanged, ready to be submitted again."""
    from registro.models import Contador
    from registro.services import registration
    from sede.models import Borrador, Presentacion
    from tests.integration.conftest import TcpProxy

    client = client_as(ciudadana)
    borrador = complete_instancia(new_draft(ciudadana, sin_firma))
    data_before = Borrador.objects.get(pk=borrador.pk).data
    url = reverse("sede:filing_submit", args=[borrador.public_id])
    settings_dict = connection.settings_dict
    direct_port = settings_dict["PORT"]
    proxy = TcpProxy((settings_dict["HOST"] or "127.0.0.1", int(direct_port or 5432)))
    proxy.start()
    number = registration.pg_number_and_insert

    def database_goes_away(*args, **kwargs):
        proxy.kill()
        return number(*args, **kwargs)

    monkeypatch.setattr(registration, "pg_number_and_insert", database_goes_away)
    connection.close()
    settings_dict["PORT"] = proxy.port  # this process now reaches PostgreSQL via the proxy
    try:
        response = client.post(url)
    finally:
        proxy.kill()
        connection.close()
        settings_dict["PORT"] = direct_port
        monkeypatch.undo()

    assert response.status_code == 503
    page = response.content.decode()
    assert "Servicio no disponible en este momento" in page
    assert "su borrador se conserva" in page
    assert response["Retry-After"]

    # A server that went away takes its sessions with it: end any session that came
    # through the proxy and is still there (PostgreSQL rolls its transaction back).
    _end_sessions(proxy.ports)
    # The database is back (direct connection): nothing half-written, the draft intact.
    assert not Asiento.objects.exists()
    assert not Presentacion.objects.exists()
    assert not Contador.objects.filter(last_seq__gt=0).exists()
    borrador.refresh_from_db()
    assert borrador.estado == EstadoBorrador.BORRADOR
    assert borrador.data == data_before
    # ...and the citizen can submit it now.
    again = client.post(url)
    assert again.status_code == 302
    assert Asiento.objects.get().numero.endswith("/E/00000001")


def _end_sessions(client_ports: list[int]) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND client_port = ANY(%s)",
            [client_ports],
        )
        deadline = time.monotonic() + 20
        while True:
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND client_port = ANY(%s)",
                [client_ports],
            )
            if not cur.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "a session through the proxy is still open"
            time.sleep(0.1)
