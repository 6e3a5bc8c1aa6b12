"""Celery tasks of the sede: thin and idempotent."""

from celery import shared_task

from .services import borradores_expire


@shared_task
def borradores_expire_task() -> int:
    """Periodic (beat): delete drafts untouched for SEDE_DRAFT_EXPIRY_DAYS."""
    return borradores_expire()
