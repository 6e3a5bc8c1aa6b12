"""Celery tasks of the sede: thin and idempotent."""

from celery import shared_task

from .services import borradores_expire, expedientes_pendientes_sweep, presentacion_expediente_open


@shared_task
def borradores_expire_task() -> int:
    """Periodic (beat): delete drafts untouched for SEDE_DRAFT_EXPIRY_DAYS."""
    return borradores_expire()


@shared_task(ignore_result=True)
def presentacion_expediente_open_task(presentacion_id: int) -> str:
    """Design.md step 6: open the case file of a filing after its commit (does nothing if
    it is already open)."""
    return presentacion_expediente_open(presentacion_id=presentacion_id)


@shared_task
def expedientes_pendientes_sweep_task() -> int:
    """Periodic (beat): open the case file of every filing the broker or the worker lost."""
    return expedientes_pendientes_sweep()
