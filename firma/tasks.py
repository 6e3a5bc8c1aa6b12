"""Celery tasks of the firma app: thin, take primary keys, safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def accion_sign_task(accion_id: int) -> None:
    """Sign the documents of a queued portafirmas action (idempotent: signs once)."""
    from firma.services import accion_sign_execute, accion_sign_failed

    try:
        accion_sign_execute(accion_id=accion_id)
    except Exception as exc:
        logger.exception("firma: signing action %s failed", accion_id)
        accion_sign_failed(accion_id=accion_id, error=str(exc) or exc.__class__.__name__)


@shared_task
def portafirmas_sweep_task() -> dict:
    """Periodic: reminders near/after deadlines, and re-enqueue signatures the broker lost."""
    from firma.services import acciones_requeue_stuck, recordatorios_send

    return {"reminders": recordatorios_send(), "requeued": acciones_requeue_stuck()}


@shared_task
def sellos_retimestamp_task() -> int:
    """Periodic: add an archive timestamp to sealed documents whose last one expires soon."""
    from firma.services.archivo import versiones_retimestamp

    return versiones_retimestamp()
