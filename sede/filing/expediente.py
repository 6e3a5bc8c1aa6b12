"""Design.md step 6, after the filing's commit: the filing opens its case file.

The registry's counter row is locked from the moment the entry takes its number until the
filing's transaction commits (issue 10): nothing but the number and the entry belong under
it. Opening the case file (a dozen statements: the file, its parties, its documents, its
terms, its event and audit row) therefore happens after the commit, as its own transaction:

1. ``borrador_submit`` marks the submission ``expediente_pendiente`` (in the filing's
   transaction: the outbox row) and, on commit, publishes
   ``sede.tasks.presentacion_expediente_open_task`` (eager in the demo and the tests);
2. the task opens the case file (:func:`presentacion_expediente_open`), records its
   identifier on the submission and clears the mark — idempotent: one case file per entry
   (``Expediente.asiento_origen`` is unique) and the submission's row is locked while it is
   done, so a redelivered message and the sweep never open two;
3. ``expedientes_pendientes_sweep`` (beat) opens whatever the broker or the worker lost.

A failure here never touches the entry: it is registered and committed before this starts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Presentacion
from .adapters import expediente_open_for

logger = logging.getLogger(__name__)

# The task published at commit normally runs within seconds: the sweep leaves younger
# submissions to it (it would only wait for the task's lock and find the work done).
SWEEP_GRACE = timedelta(minutes=2)


def expediente_enqueue(*, presentacion_id: int) -> bool:
    """Publish the opening of the case file; never raise (the entry is registered whatever
    happens: the sweep opens what could not be published or failed). Published or not."""
    try:
        from bilbao_sede.celery import publish

        from ..tasks import presentacion_expediente_open_task

        publish(presentacion_expediente_open_task, presentacion_id)
    except Exception:  # noqa: BLE001 - broker down, an error of the eager task...
        logger.exception("Case file of presentation %s left for the sweep", presentacion_id)
        return False
    return True


def presentacion_expediente_open(*, presentacion_id: int) -> str:
    """Open the case file of a submission (if still pending) and record its identifier on
    it; the identifier ("" when the entry names no procedure). One transaction: the case
    file and the cleared mark are committed together or not at all."""
    with transaction.atomic():
        presentacion = (
            Presentacion.objects.select_for_update(of=("self",))
            .select_related("asiento")
            .get(pk=presentacion_id)
        )
        if not presentacion.expediente_pendiente:
            return presentacion.expediente_ref
        reference = expediente_open_for(presentacion)
        Presentacion.objects.filter(pk=presentacion_id).update(
            expediente_ref=reference, expediente_pendiente=False
        )
    return reference


def expedientes_pendientes_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Open the case file of every submission still pending after ``SWEEP_GRACE`` (oldest
    first, through the partial index of pending rows). Each in its own transaction, so one
    that fails (logged) does not hold back the others. Returns how many were handled."""
    now = now or timezone.now()
    pending = list(
        Presentacion.objects.filter(expediente_pendiente=True, submitted_at__lt=now - SWEEP_GRACE)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    handled = 0
    for presentacion_id in pending:
        try:
            presentacion_expediente_open(presentacion_id=presentacion_id)
        except Exception:  # noqa: BLE001 - the next sweep tries again
            logger.exception("Case file of presentation %s not opened", presentacion_id)
            continue
        handled += 1
    return handled
