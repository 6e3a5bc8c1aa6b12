from celery import shared_task

from .avance import avance_snapshot_take


@shared_task
def avance_snapshot_task() -> str:
    """Daily snapshot of the grado de avance (Celery beat). Idempotent: one row per day."""
    return str(avance_snapshot_take().overall)
