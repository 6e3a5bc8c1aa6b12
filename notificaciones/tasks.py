"""Celery tasks of notificaciones: thin, take primary keys, idempotent."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services

AVISO_MAX_RETRIES = 5


@shared_task(bind=True, max_retries=AVISO_MAX_RETRIES, acks_late=True)
def aviso_send_task(self, aviso_id: int) -> bool:
    """NOT-4: send one aviso; on failure retry with exponential backoff (with the default
    ``NOTIFICACIONES_AVISO_RETRY_SECONDS`` = 60: 1, 2, 4, 8, 16 minutes), then mark it failed.
    The notification is valid whatever happens here."""
    try:
        services.aviso_send(aviso_id=aviso_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.aviso_failed(aviso_id=aviso_id, error=str(exc))
            return False
        base = settings.NOTIFICACIONES_AVISO_RETRY_SECONDS
        raise self.retry(exc=exc, countdown=base * 2**self.request.retries) from exc
    return True


@shared_task
def aviso_send_many_task(aviso_ids: list[int]) -> int:
    for pk in aviso_ids:
        aviso_send_task.delay(pk)
    return len(aviso_ids)


@shared_task(acks_late=True)
def evidencia_seal_task(evidencia_id: int) -> str:
    evidencia = services.evidencia_seal(evidencia_id=evidencia_id)
    return evidencia.csv if evidencia else ""


@shared_task(acks_late=True)
def evidencias_seal_many_task(evidencia_ids: list[int]) -> int:
    for pk in evidencia_ids:
        services.evidencia_seal(evidencia_id=pk)
    return len(evidencia_ids)


@shared_task
def remesa_chunk_after_task(aviso_ids: list[int], evidencia_ids: list[int]) -> int:
    """After a bulk chunk commits: one message fans out the avisos and the acuses' sealing
    (each an idempotent task of its own; the periodic sweeps catch anything lost)."""
    aviso_send_many_task.delay(aviso_ids)
    evidencias_seal_many_task.delay(evidencia_ids)
    return len(aviso_ids) + len(evidencia_ids)


@shared_task
def notificaciones_expire_task() -> int:
    """NOT-6, beat: reject the notifications whose ten natural days have passed."""
    return services.notificaciones_expire()


@shared_task
def recordatorios_task() -> int:
    return services.recordatorios_send()


@shared_task
def pendientes_task() -> int:
    """Beat: make the case files' pending notifications real."""
    return services.pendientes_process()


@shared_task
def notificaciones_sweep_task() -> int:
    """Beat: publish again acuses to seal and avisos to send that the broker lost."""
    return services.evidencias_sweep() + services.avisos_sweep()


@shared_task(acks_late=True)
def remesa_process_task(remesa_id: int) -> int:
    """Bulk act: one chunk per task run, then the next one is queued (progress is visible)."""
    made = services.remesa_process_chunk(remesa_id=remesa_id)
    if made:
        remesa_process_task.delay(remesa_id)
    else:
        services.remesa_finish_if_done(remesa_id=remesa_id)
    return made
