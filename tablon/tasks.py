"""Celery tasks of the notice board: thin and idempotent."""

from celery import shared_task

from .services import resumenes_pending


@shared_task
def resumenes_diarios_task() -> int:
    """Periodic (beat, daily): seal the digest of every finished day that lacks one."""
    return resumenes_pending()
