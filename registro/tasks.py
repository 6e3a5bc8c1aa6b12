"""Celery tasks of the registro app: thin, take primary keys, idempotent."""

from celery import shared_task

from .services import justificante_issue, justificantes_sweep


@shared_task
def justificante_issue_task(asiento_id: int) -> str:
    """REG-5: produce the sealed receipt of an entry (does nothing if it already exists)."""
    asiento = justificante_issue(asiento_id=asiento_id)
    return asiento.justificante_csv


@shared_task
def justificantes_sweep_task() -> int:
    """Periodic: publish again every receipt left pending (broker or worker was down)."""
    return justificantes_sweep()


from .sir.tasks import intercambio_entregar_task, intercambios_sweep_task  # noqa: E402,F401
