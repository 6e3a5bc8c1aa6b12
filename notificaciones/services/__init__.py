"""The rules of the notifications app (each write one transaction)."""

from .avisos import aviso_failed, aviso_send, avisos_create, avisos_sweep, recordatorios_send
from .canal import canal_for, change_effective_at, preferencia_set, preferencia_vigente
from .core import (
    access_decision,
    notificacion_external_event,
    notificacion_make_available,
    notificacion_open,
    notificacion_prepare,
    notificacion_reject,
    notificaciones_expire,
    papel_intento_record,
)
from .evidencias import evidencia_seal, evidencias_sweep, render_evidencia_pdf
from .pendientes import pendiente_process, pendientes_process
from .remesas import (
    remesa_create,
    remesa_finish_if_done,
    remesa_process_chunk,
    remesa_progress,
    remesa_start,
)

__all__ = [
    "access_decision",
    "aviso_failed",
    "aviso_send",
    "avisos_create",
    "avisos_sweep",
    "canal_for",
    "change_effective_at",
    "evidencia_seal",
    "evidencias_sweep",
    "notificacion_external_event",
    "notificacion_make_available",
    "notificacion_open",
    "notificacion_prepare",
    "notificacion_reject",
    "notificaciones_expire",
    "papel_intento_record",
    "pendiente_process",
    "pendientes_process",
    "preferencia_set",
    "preferencia_vigente",
    "recordatorios_send",
    "remesa_create",
    "remesa_finish_if_done",
    "remesa_process_chunk",
    "remesa_progress",
    "remesa_start",
    "render_evidencia_pdf",
]
