"""Every write of the expedientes app (one transaction each)."""

from ._common import AccionNoPermitida
from .apertura import expediente_attach_asiento, expediente_open_from_asiento, flujo_for
from .documentos import (
    documento_capture,
    documento_copia_papel,
    documento_link,
    documento_metadata_correct,
    documento_version_add,
)

__all__ = [
    "AccionNoPermitida",
    "documento_capture",
    "documento_copia_papel",
    "documento_link",
    "documento_metadata_correct",
    "documento_version_add",
    "expediente_attach_asiento",
    "expediente_open_from_asiento",
    "flujo_for",
]
