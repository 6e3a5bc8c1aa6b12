"""REG-5 with a real worker killed (SIGKILL) in the middle of the receipt task: the entry
stays registered with its receipt pending, a fresh worker's periodic sweep seals it, and
the original message coming back later (redelivery) makes no second receipt.

How the task is held "in progress" without any hook in production code: before the entry
is registered, the test takes a SHARE lock on firma's document table in a connection of its
own. Readers go on, writers wait, so the worker takes the message, renders, stamps and
seals the receipt, and then blocks on the INSERT of the sealed document, inside the
transaction that holds the entry's row lock. That wait is seen from outside (PostgreSQL:
``pg_blocking_pids``; Redis: the message is in kombu's ``unacked`` hash, not in the queue),
and then the worker process is killed with SIGKILL.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F

from bilbao_sede.celery import app as celery_app
from firma.models import Documento, DocumentoVersion
from registro.constants import EstadoAsiento
from registro.justificante import sealed_receipt_bytes
from registro.models import Asiento
from registro.services.receipts import SWEEP_GRACE
from registro.tasks import justificantes_sweep_task
from tests.registro.conftest import PKI_PASSWORD, oficina_sede, urbanismo  # noqa: F401
from tests.registro.conftest import register as register  # noqa: F401
from tests.registro.conftest import registro_pki as registro_pki  # noqa: F401
from tests.registro.support import validate_seal

pytestmark = pytest.mark.integration

RECEIPT_TASK = "registro.tasks.justificante_issue_task"
RECEIPT_NOTE = "registro.justificante"  # DocumentoVersion.note of a sealed receipt


@pytest.fixture
def worker_pki(monkeypatch, registro_pki):
    """The worker process reads FIRMA_* from its environment: point it at a demo PKI."""
    from firma.keys.demo_pki import DemoPKI

    monkeypatch.setenv("FIRMA_PKI_DIR", str(registro_pki))
    monkeypatch.setenv("FIRMA_KEYSTORE_PASSWORD", PKI_PASSWORD)
    return DemoPKI(registro_pki, PKI_PASSWORD)


class TableWriteLock:
    """``LOCK TABLE ... IN SHARE MODE`` held by a separate connection until ``release()``."""

    def __init__(self, model) -> None:
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.conn.cursor() as cur:
            cur.execute("BEGIN")
            table = self.conn.ops.quote_name(model._meta.db_table)
            cur.execute(f"LOCK TABLE {table} IN SHARE MODE")
            cur.execute("SELECT pg_backend_pid()")
            self.pid = cur.fetchone()[0]

    def release(self) -> None:
        if self.conn.connection is not None:
            with self.conn.cursor() as cur:
                cur.execute("ROLLBACK")
        self.conn.close()


def session_blocked_by(pid: int) -> tuple[int, str] | None:
    """(backend pid, query) of a database session waiting for a lock that ``pid`` holds."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid, query FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
            [pid],
        )
        return cur.fetchone()


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cur.fetchone() is not None


def broker_client():
    """(kombu connection, its channel) to the broker the worker uses; close the connection."""
    conn = celery_app.connection_for_write()
    channel = conn.default_channel
    return conn, channel


def taken_receipt_message(asiento_id: int) -> tuple[str, dict] | None:
    """(delivery tag, message) of the receipt task of ``asiento_id`` that a worker has taken
    and not acknowledged yet (kombu's Redis transport keeps it in the ``unacked`` hash)."""
    conn, channel = broker_client()
    with conn:
        for tag, raw in channel.client.hgetall(channel.unacked_key).items():
            message, _exchange, _routing_key = json.loads(raw)
            if message["headers"].get("task") != RECEIPT_TASK:
                continue
            args = json.loads(base64.b64decode(message["body"]))[0]
            if args == [asiento_id]:
                return tag.decode(), message
    return None


def queued(queue: str) -> int:
    conn, channel = broker_client()
    with conn:
        return channel.client.llen(queue)


def eventually(predicate: Callable[[], object], timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout}s")


def receipt_versions() -> list[int]:
    return list(DocumentoVersion.objects.filter(note=RECEIPT_NOTE).values_list("pk", flat=True))


def test_reg5_a_worker_killed_while_sealing_the_receipt_loses_nothing_and_duplicates_nothing(
    worker_pki, celery_worker, register
):
    tag = None
    lock = TableWriteLock(Documento)
    try:
        asiento = register()  # autocommit: the receipt task is published on commit
        numero = asiento.numero
        assert numero.endswith("/E/00000001")

        # The worker has taken the message and is inside the task: rendered and sealed, now
        # waiting to store the sealed PDF while it holds the entry's row lock.
        backend_pid, query = celery_worker(lambda: session_blocked_by(lock.pid), timeout=60)
        assert query.startswith(f'INSERT INTO "{Documento._meta.db_table}"'), query
        tag, message = eventually(lambda: taken_receipt_message(asiento.pk))
        assert queued(celery_worker.queue) == 0

        celery_worker.kill()  # kill -9: no ack, no reject, no rollback from the client side
    finally:
        lock.release()

    try:
        # PostgreSQL notices the dead client and rolls its transaction back.
        eventually(lambda: not backend_alive(backend_pid))

        # Nothing lost: the entry is registered, with its receipt pending; nothing half-done:
        # no receipt document was left behind by the killed task.
        asiento.refresh_from_db()
        assert asiento.numero == numero
        assert asiento.estado == EstadoAsiento.JUSTIFICANTE_PENDIENTE
        assert asiento.justificante_csv == ""
        assert asiento.justificante_version_id is None
        assert receipt_versions() == []
        # Redis still holds the message unacknowledged: it would come back only after the
        # visibility timeout (hours), so the sweep is what brings the receipt in time.
        assert taken_receipt_message(asiento.pk) is not None

        # A fresh worker; beat sends the sweep task. Too early, it leaves the entry alone
        # (its task could still be queued)...
        celery_worker.start()
        assert justificantes_sweep_task.delay().get(timeout=60) == 0
        # ...SWEEP_GRACE later (stood in for by moving presentation back), it publishes it.
        Asiento.objects.filter(pk=asiento.pk).update(
            presented_at=F("presented_at") - SWEEP_GRACE - timedelta(minutes=1)
        )
        assert justificantes_sweep_task.delay().get(timeout=60) == 1

        done = celery_worker(
            lambda: Asiento.objects.filter(
                pk=asiento.pk, estado=EstadoAsiento.JUSTIFICANTE_SELLADO
            ).first(),
            timeout=60,
        )
        assert done.numero == numero
        assert done.justificante_csv
        assert receipt_versions() == [done.justificante_version_id]
        status = validate_seal(sealed_receipt_bytes(done), worker_pki.ca_pem)
        assert status.intact and status.valid and status.trusted

        # The killed worker's original message comes back too (visibility timeout, or a
        # restore): it runs to the end and returns the receipt already sealed — no second one.
        conn, channel = broker_client()
        with conn:
            channel.qos.restore_by_tag(tag)
        # (The receipt task stores no result: its outcome is the entry. The worker's log
        # says it ran to the end and returned the CSV already issued.)
        original_id = message["headers"]["id"]
        celery_worker(
            lambda: (
                f"[{original_id}] succeeded" in celery_worker.log_path.read_text()
                and done.justificante_csv in celery_worker.log_path.read_text()
            ),
            timeout=60,
        )
        eventually(lambda: taken_receipt_message(asiento.pk) is None)  # acknowledged
        assert queued(celery_worker.queue) == 0

        again = Asiento.objects.get(pk=asiento.pk)
        assert again.justificante_csv == done.justificante_csv
        assert again.justificante_version_id == done.justificante_version_id
        assert again.justificante_sealed_at == done.justificante_sealed_at
        assert receipt_versions() == [done.justificante_version_id]
        assert Documento.objects.count() == 1
    finally:
        if tag is not None:  # never leave our message in the shared Redis database
            conn, channel = broker_client()
            with conn:
                channel.client.hdel(channel.unacked_key, tag)
                channel.client.zrem(channel.unacked_index_key, tag)
