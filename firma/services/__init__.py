"""Every write of the firma app (CSV documents and portafirmas)."""

from firma.selectors import csv_resolve

from .archivo import version_retimestamp, versiones_retimestamp
from .avisos import recordatorios_send
from .documentos import csv_issue, csv_unique_code, documento_read
from .firmar import (
    accion_sign_execute,
    accion_sign_failed,
    acciones_requeue_stuck,
    appearance_for,
    leyenda_for,
)
from .portafirmas import (
    AccionNoDisponibleError,
    AccionSpec,
    DocumentoSpec,
    accion_approve,
    accion_reject,
    acciones_sign,
    peticion_create,
)

__all__ = [
    "AccionNoDisponibleError",
    "AccionSpec",
    "DocumentoSpec",
    "accion_approve",
    "accion_reject",
    "accion_sign_execute",
    "accion_sign_failed",
    "acciones_requeue_stuck",
    "acciones_sign",
    "appearance_for",
    "csv_issue",
    "csv_resolve",
    "csv_unique_code",
    "documento_read",
    "leyenda_for",
    "peticion_create",
    "recordatorios_send",
    "version_retimestamp",
    "versiones_retimestamp",
]
