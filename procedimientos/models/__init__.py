"""Models of the procedure catalogue (re-exported here)."""

from .avance import AccionPlan, AvanceReportado, AvanceSnapshot
from .catalogo import CambioEstadoAdaptacion, Guia, Materia, Procedimiento, UnidadProcedencia
from .formularios import FormularioCongelado, FormularioVersion

__all__ = [
    "AccionPlan",
    "AvanceReportado",
    "AvanceSnapshot",
    "CambioEstadoAdaptacion",
    "FormularioCongelado",
    "FormularioVersion",
    "Guia",
    "Materia",
    "Procedimiento",
    "UnidadProcedencia",
]
