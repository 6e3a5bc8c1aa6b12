"""The receipt's outbox (REG-5): publish after commit, sweep what was left pending, and
issue the sealed receipt idempotently."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..constants import EstadoAsiento
from ..models import Asiento

logger = logging.getLogger(__name__)


def justificante_enqueue(*, asiento_id: int) -> bool:
    """Publish the receipt task; never raise (the entry is registered whatever happens:
    the sweep retries what could not be published). Returns whether it was published.

    Bounded (issue 17 item 4): one attempt, within ``CELERY_BROKER_PUBLISH_TIMEOUT``, and no
    result subscription (the task's result is the entry itself), so a dead broker costs the
    citizen's request a refused connection, not a retry loop."""
    try:
        from bilbao_sede.celery import publish

        from ..tasks import justificante_issue_task

        publish(justificante_issue_task, asiento_id)
    except Exception:  # noqa: BLE001 - broker down, worker error in eager mode...
        logger.exception("Receipt of asiento %s left pending for the sweep", asiento_id)
        return False
    return True


CLAIM_TIMEOUT = timedelta(minutes=10)
# The task published at commit normally finishes within seconds: the sweep leaves younger
# entries alone, so that a backlog in the queue is not published twice.
SWEEP_GRACE = timedelta(minutes=2)


def justificantes_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue every receipt still pending (REG-5 outbox). Claims each entry with a
    conditional UPDATE so that concurrent sweeps do not publish the same one twice within
    ``CLAIM_TIMEOUT``. Returns how many were published."""
    now = now or timezone.now()
    stale = now - CLAIM_TIMEOUT
    candidates = list(
        Asiento.objects.filter(estado=EstadoAsiento.JUSTIFICANTE_PENDIENTE, seq__isnull=False)
        .filter(_unclaimed_or_stale(stale), presented_at__lt=now - SWEEP_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    published = 0
    for asiento_id in candidates:
        claimed = (
            Asiento.objects.filter(
                _unclaimed_or_stale(stale),
                pk=asiento_id,
                estado=EstadoAsiento.JUSTIFICANTE_PENDIENTE,
            ).update(justificante_claimed_at=now)
            == 1
        )
        if claimed and justificante_enqueue(asiento_id=asiento_id):
            published += 1
    return published


def _unclaimed_or_stale(stale: datetime) -> Q:
    return Q(justificante_claimed_at__isnull=True) | Q(justificante_claimed_at__lt=stale)


RECEIPT_LOCK_CLASS = 0x5245  # "RE": advisory lock namespace of the receipt job


def _claim_receipt_work(asiento_id: int) -> bool:
    """PostgreSQL: a transaction-level advisory lock on the entry's receipt work, so two
    workers (a redelivered message and the sweep's) never render and seal the same receipt
    at once — without locking the entry's row, which readers and the registry book use. The
    lock goes with the transaction, or with the connection if the worker dies."""
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [RECEIPT_LOCK_CLASS, asiento_id])
        return bool(cursor.fetchone()[0])


def justificante_issue(*, asiento_id: int) -> Asiento:
    """Render (CSV + QR on every page) and seal the receipt of an entry; idempotent (REG-5).

    The entry's row is not locked while the receipt is rendered and sealed (~100 ms): the
    work is claimed with an advisory lock, and the entry is updated at the end with a
    conditional UPDATE (still pending) in the same transaction as firma's stored document,
    so a receipt sealed twice by a race stores one document and keeps one CSV.
    """
    from ..justificante import issue_sealed_receipt

    try:
        with transaction.atomic():
            if not _claim_receipt_work(asiento_id):
                # Another worker is on it; if it dies, its lock goes and the sweep retries.
                return Asiento.objects.get(pk=asiento_id)
            asiento = Asiento.objects.get(pk=asiento_id)
            if asiento.estado == EstadoAsiento.JUSTIFICANTE_SELLADO:
                return asiento
            code, version_id = issue_sealed_receipt(asiento)
            sealed_at = timezone.now()
            updated = Asiento.objects.filter(
                pk=asiento_id, estado=EstadoAsiento.JUSTIFICANTE_PENDIENTE
            ).update(
                estado=EstadoAsiento.JUSTIFICANTE_SELLADO,
                justificante_csv=code,
                justificante_version_id=version_id,
                justificante_sealed_at=sealed_at,
                justificante_error="",
            )
            if not updated:  # sealed meanwhile (SQLite, or a lock-less path): keep theirs
                transaction.set_rollback(True)
                return Asiento.objects.get(pk=asiento_id)
            asiento.estado = EstadoAsiento.JUSTIFICANTE_SELLADO
            asiento.justificante_csv = code
            asiento.justificante_version_id = version_id
            asiento.justificante_sealed_at = sealed_at
            asiento.justificante_error = ""
            return asiento
    except Asiento.DoesNotExist:
        raise
    except Exception as exc:
        Asiento.objects.filter(pk=asiento_id).update(
            justificante_error=str(exc)[:300],
            justificante_attempts=F("justificante_attempts") + 1,
        )
        raise


def justificante_for_filer(*, asiento: Asiento, wait_ms: int = 0) -> Asiento:
    """The entry with its sealed receipt for the filer who asks for it before the worker
    got to it (REG-5): the same work the task does (:func:`justificante_issue`), done now
    and once — the task then finds it sealed and does nothing. When a worker is sealing it
    at this very moment (it holds the claim), that worker's seal is waited for, at most
    ``wait_ms`` (rendering a provisional copy meanwhile would cost as much as the seal).

    Never raises for the receipt's sake: if the wait is over, or sealing fails (the error
    is recorded on the entry, as the worker's would be), the entry is returned still
    pending — the caller then offers the provisional copy, marked as such, and the worker
    or the sweep seals it."""
    if asiento.is_sealed:
        return asiento
    try:
        asiento = justificante_issue(asiento_id=asiento.pk)
    except Asiento.DoesNotExist:
        raise
    except Exception:  # noqa: BLE001 - the seal, the storage...: the provisional copy
        logger.exception("Receipt of asiento %s not sealed on demand", asiento.pk)
    if asiento.is_sealed:
        return asiento
    return _sealed_by_the_claimant(asiento=asiento, timeout_ms=wait_ms)


def _sealed_by_the_claimant(*, asiento: Asiento, timeout_ms: int) -> Asiento:
    """The entry once the worker that is sealing its receipt right now has finished (REG-5):
    blocked on that work's claim (the advisory lock of :func:`justificante_issue`), at most
    ``timeout_ms``, without polling or CPU; then read again. A pending entry nobody is
    sealing (or SQLite, or the wait over) comes back as it is."""
    if timeout_ms <= 0 or connection.vendor != "postgresql":
        return asiento
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [f"{timeout_ms}ms"],
            )
            previous = cursor.fetchone()[0]
            # Shared: never conflicts with another waiter, only with the sealer's claim.
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s, %s)", [RECEIPT_LOCK_CLASS, asiento.pk]
            )
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError:  # lock_timeout: still being sealed
        return asiento
    return Asiento.objects.get(pk=asiento.pk)
