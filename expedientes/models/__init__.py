"""Models of case files (expedientes), ENI documents and their processing (re-exported)."""

from .documento import DocumentoENI, DocumentoVersionENI, documento_identificador
from .expediente import (
    Expediente,
    ExpedienteAsiento,
    ExpedienteDocumento,
    ExpedienteGroupObjectPermission,
    ExpedienteParte,
    ExpedienteUserObjectPermission,
    FlujoTramitacion,
    SerieDocumental,
    expediente_identificador,
)
from .tramitacion import (
    ActuacionAutomatizada,
    Eliminacion,
    Evento,
    IndiceElectronico,
    Informe,
    NotificacionPendiente,
    Requerimiento,
    Resolucion,
    Suspension,
)

__all__ = [
    "ActuacionAutomatizada",
    "DocumentoENI",
    "DocumentoVersionENI",
    "Eliminacion",
    "Evento",
    "Expediente",
    "ExpedienteAsiento",
    "ExpedienteDocumento",
    "ExpedienteGroupObjectPermission",
    "ExpedienteParte",
    "ExpedienteUserObjectPermission",
    "FlujoTramitacion",
    "IndiceElectronico",
    "Informe",
    "NotificacionPendiente",
    "Requerimiento",
    "Resolucion",
    "SerieDocumental",
    "Suspension",
    "documento_identificador",
    "expediente_identificador",
]
