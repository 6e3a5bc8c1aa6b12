"""Celery tasks of the registry exchange: thin, take primary keys, idempotent."""

from celery import shared_task

from .services import intercambio_entregar, intercambios_sweep


@shared_task
def intercambio_entregar_task(intercambio_id: int) -> bool:
    """Deliver what the exchange owes the other side (does nothing if nothing is due)."""
    return intercambio_entregar(intercambio_id=intercambio_id)


@shared_task
def intercambios_sweep_task() -> int:
    """Periodic: publish again every delivery that is due (peer, broker or worker was down)."""
    return intercambios_sweep()
