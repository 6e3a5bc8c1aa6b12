"""Every write of the registro app (split by concern; import from here).

``asiento_register`` is the one way into the registry (REG-1..6); the receipt (REG-5) is
produced after the commit by Celery, the entry recording that it is pending (an outbox), and
``justificantes_sweep`` finishes any receipt left behind; a filer who downloads it first
gets it sealed there and then (``justificante_for_filer``).
"""

from ..documentos import DocumentoNuevo
from .receipts import (
    justificante_enqueue,
    justificante_for_filer,
    justificante_issue,
    justificantes_sweep,
)
from .registration import asiento_register, effective_instant, representation_snapshot
from .safety import documento_correccion_raised, documento_mark_unsafe, documentos_rescan

__all__ = [
    "DocumentoNuevo",
    "asiento_register",
    "documento_correccion_raised",
    "documento_mark_unsafe",
    "documentos_rescan",
    "effective_instant",
    "justificante_enqueue",
    "justificante_for_filer",
    "justificante_issue",
    "justificantes_sweep",
    "representation_snapshot",
]
