"""REG-5 with a real Celery worker (separate process, Redis, PostgreSQL): the sealed receipt
appears after the commit, and an entry registered while the broker is down is sealed later
by the sweep — no receipt is lost."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from registro.constants import EstadoAsiento
from registro.justificante import sealed_receipt_bytes
from registro.models import Asiento
from registro.services import justificantes_sweep
from tests.registro.conftest import PKI_PASSWORD, oficina_sede, urbanismo  # noqa: F401
from tests.registro.conftest import register as register  # noqa: F401
from tests.registro.conftest import registro_pki as registro_pki  # noqa: F401

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_pki(monkeypatch, registro_pki):
    """The worker process reads FIRMA_* from its environment: point it at a demo PKI."""
    monkeypatch.setenv("FIRMA_PKI_DIR", str(registro_pki))
    monkeypatch.setenv("FIRMA_KEYSTORE_PASSWORD", PKI_PASSWORD)
    return registro_pki


def sealed(asiento_id: int):
    return Asiento.objects.filter(pk=asiento_id, estado=EstadoAsiento.JUSTIFICANTE_SELLADO).first()


def test_reg5_the_worker_seals_the_receipt_after_the_commit(worker_pki, celery_worker, register):
    asiento = register()  # autocommit: the task is published on commit
    assert asiento.estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE
    done = celery_worker(lambda: sealed(asiento.pk), timeout=120)
    assert done.justificante_csv
    data = sealed_receipt_bytes(done)
    assert data.startswith(b"%PDF") and b"/ByteRange" in data


def test_reg5_with_the_broker_down_the_entry_is_kept_and_the_sweep_seals_it_later(
    worker_pki, celery_worker, register, broker_url
):
    from tests.integration.conftest import free_port, use_broker

    first = register()  # this thread's publisher is connected to the live broker...
    celery_worker(lambda: sealed(first.pk), timeout=120)
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # ...then nothing listens there
    try:
        began = time.monotonic()
        asiento = register()
        assert time.monotonic() - began < 3  # refused at once, no retry loop
    finally:
        use_broker(broker_url)
    assert asiento.numero.endswith("/E/00000002")
    assert Asiento.objects.get(pk=asiento.pk).estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE

    # Broker back: the periodic sweep (a few minutes later) publishes it.
    assert justificantes_sweep(now=timezone.now() + timedelta(minutes=3)) == 1
    done = celery_worker(lambda: sealed(asiento.pk), timeout=120)
    assert sealed_receipt_bytes(done).startswith(b"%PDF")


def test_reg5_a_message_lost_after_publishing_is_recovered_by_the_sweep(
    worker_pki, celery_worker, register
):
    """Publishing succeeded but the message never reached a worker that finished it (Redis
    restarted without persistence, or a worker killed after taking it): the entry is still
    pending in the database, and the sweep publishes it again."""
    import uuid

    from bilbao_sede.celery import app

    lost_queue = f"lost-{uuid.uuid4().hex[:8]}"  # no worker listens here
    worker_queue = app.conf.task_default_queue
    app.conf.update(task_default_queue=lost_queue)  # published for real, where none reads
    try:
        asiento = register()
    finally:
        app.conf.update(task_default_queue=worker_queue)
    try:
        with app.connection_for_write() as conn:
            assert conn.default_channel.client.llen(lost_queue) == 1  # it was published
        assert Asiento.objects.get(pk=asiento.pk).estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE

        assert justificantes_sweep(now=timezone.now() + timedelta(minutes=3)) == 1
        done = celery_worker(lambda: sealed(asiento.pk), timeout=120)
        assert done.justificante_csv
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(lost_queue)
