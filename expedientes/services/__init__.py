"""Every write of the expedientes app (one transaction each)."""

from ._common import AccionNoPermitida
from .acciones import (
    documento_unsafe_flagged,
    expediente_close,
    expediente_phase_set,
    expediente_reopen,
    expedientes_assign,
    informe_emit,
    informe_request,
    requerimiento_answer,
    requerimiento_extend,
    requerimiento_issue,
    requerimientos_vencidos_sweep,
    resolucion_draft,
    resolucion_send_to_sign,
    resolucion_sync,
    resoluciones_sync_sweep,
)
from .apertura import expediente_attach_asiento, expediente_open_from_asiento, flujo_for
from .aportacion import expediente_aportacion_register
from .archivo import expediente_dispose
from .documentos import (
    documento_capture,
    documento_copia_papel,
    documento_link,
    documento_metadata_correct,
    documento_version_add,
)
from .indice import VerificacionIndice, indice_build, indice_verify
from .notificaciones import (
    notificacion_pendiente_create,
    notificacion_pendiente_practicada,
    notificaciones_pendientes_claim,
)
from .remision import expediente_remit, remission_package

__all__ = [
    "AccionNoPermitida",
    "VerificacionIndice",
    "documento_capture",
    "documento_copia_papel",
    "documento_link",
    "documento_unsafe_flagged",
    "documento_metadata_correct",
    "documento_version_add",
    "expediente_aportacion_register",
    "expediente_attach_asiento",
    "expediente_close",
    "expediente_dispose",
    "expediente_open_from_asiento",
    "expediente_phase_set",
    "expediente_remit",
    "expediente_reopen",
    "expedientes_assign",
    "flujo_for",
    "indice_build",
    "indice_verify",
    "informe_emit",
    "informe_request",
    "notificacion_pendiente_create",
    "notificacion_pendiente_practicada",
    "notificaciones_pendientes_claim",
    "remission_package",
    "requerimiento_answer",
    "requerimiento_extend",
    "requerimiento_issue",
    "requerimientos_vencidos_sweep",
    "resolucion_draft",
    "resolucion_send_to_sign",
    "resolucion_sync",
    "resoluciones_sync_sweep",
]
