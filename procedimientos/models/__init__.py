"""Models of the procedure catalogue (re-exported here)."""

from .avance import AccionPlan, AvanceReportado, AvanceSnapshot
from .catalogo import CambioEstadoAdaptacion, Guia, Materia, Procedimiento, UnidadProcedencia
from .formularios import (
    FormularioCongelado,
    FormularioHistorial,
    FormularioVersion,
    HistorialInmutable,
)

__all__ = [
    "AccionPlan",
    "AvanceReportado",
    "AvanceSnapshot",
    "CambioEstadoAdaptacion",
    "FormularioCongelado",
    "FormularioHistorial",
    "FormularioVersion",
    "Guia",
    "HistorialInmutable",
    "Materia",
    "Procedimiento",
    "UnidadProcedencia",
]
