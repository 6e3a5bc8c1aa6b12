"""Every write of the firma app (CSV documents and portafirmas)."""

from firma.selectors import csv_resolve

from .documentos import csv_issue, documento_read
from .portafirmas import (
    AccionNoDisponibleError,
    AccionSpec,
    accion_approve,
    accion_reject,
    accion_sign_execute,
    accion_sign_failed,
    acciones_requeue_stuck,
    acciones_sign,
    leyenda_for,
    peticion_create,
    recordatorios_send,
)

__all__ = [
    "AccionNoDisponibleError",
    "AccionSpec",
    "accion_approve",
    "accion_reject",
    "accion_sign_execute",
    "accion_sign_failed",
    "acciones_requeue_stuck",
    "acciones_sign",
    "csv_issue",
    "csv_resolve",
    "documento_read",
    "leyenda_for",
    "peticion_create",
    "recordatorios_send",
]
