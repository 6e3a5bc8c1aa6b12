"""Celery tasks of case files: thin and idempotent (each calls a service that checks what is
already done)."""

from celery import shared_task

from .services import requerimientos_vencidos_sweep, resoluciones_sync_sweep


@shared_task
def requerimientos_vencidos_task() -> int:
    """CAT-7 "control de vencimiento de requerimientos": expired requests, suspension ended,
    withdrawal proposal flagged to the handler."""
    return requerimientos_vencidos_sweep()


@shared_task
def resoluciones_sync_task() -> int:
    """Resolutions signed (or rejected) in the portafirmas: new signed version, pending
    notification, phase."""
    return resoluciones_sync_sweep()
