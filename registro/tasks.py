"""Celery tasks of the registro app: thin, take primary keys, idempotent."""

from celery import shared_task

from .services import documentos_rescan, justificante_issue, justificantes_sweep
from .services.anchors import anclaje_seal


@shared_task(ignore_result=True)
def justificante_issue_task(asiento_id: int) -> str:
    """REG-5: produce the sealed receipt of an entry (does nothing if it already exists)."""
    asiento = justificante_issue(asiento_id=asiento_id)
    return asiento.justificante_csv


@shared_task
def justificantes_sweep_task() -> int:
    """Periodic: publish again every receipt left pending (broker or worker was down)."""
    return justificantes_sweep()


@shared_task
def documentos_rescan_task() -> int:
    """Periodic (REG-11): re-scan stored documents with the configured malware scanner."""
    return documentos_rescan()


@shared_task(ignore_result=True)
def anclaje_seal_task() -> int:
    """Periodic: a sealed checkpoint of every chain head (issue 17 item 3)."""
    return anclaje_seal().pk


from .sir.tasks import intercambio_entregar_task, intercambios_sweep_task  # noqa: E402,F401
