"""REG-11: malicious code found after registration (RD 203/2021 arts. 39.2 and 14.3).

The entry keeps its number and its hash chain: the document is flagged (``unsafe_at``) and
audited. The 10-day correction request (requerimiento de subsanación) is raised by the case
file side — ``registro`` never imports ``expedientes`` — through an outbox:
``selectors.documentos_unsafe_pending()`` lists flagged documents whose request is still to
be raised, and ``documento_correccion_raised`` records that it was. ``documentos_rescan``
(a periodic task) re-scans stored documents with the configured scanner.
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from identidad.models import User
from identidad.services import audit_record
from uploads import ScanError, get_scanner

from ..models import AsientoDocumento

logger = logging.getLogger(__name__)


@transaction.atomic
def documento_mark_unsafe(
    *, documento_id: int, threat: str, actor: User | None = None
) -> AsientoDocumento:
    """Flag a registered document as malicious (idempotent). The entry, its number and its
    hash are untouched; the event goes to the audit trail."""
    doc = (
        AsientoDocumento.objects.select_for_update().select_related("asiento").get(pk=documento_id)
    )
    if doc.unsafe_at is None:
        doc.unsafe_at = timezone.now()
        doc.unsafe_threat = (threat or "?")[:200]
        doc.save(update_fields=["unsafe_at", "unsafe_threat"])
        audit_record(
            actor=actor,
            action="registro.documento_unsafe",
            obj=doc,
            detail={"asiento": doc.asiento.numero, "sha256": doc.sha256, "amenaza": threat},
        )
    return doc


@transaction.atomic
def documento_correccion_raised(*, documento_id: int) -> bool:
    """Record that the correction request of a flagged document has been raised (called by
    the side that raises it). Returns False when it was already recorded."""
    return bool(
        AsientoDocumento.objects.filter(
            pk=documento_id, unsafe_at__isnull=False, correccion_at__isnull=True
        ).update(correccion_at=timezone.now())
    )


def documentos_rescan(*, limit: int = 200) -> int:
    """Scan again the stored documents scanned longest ago (never-scanned first) and flag
    the malicious ones. Returns how many were scanned; stops quietly when the scanner is
    unreachable (the next run continues) and does nothing without a scanner."""
    scanner = get_scanner()
    if not scanner.scans:
        return 0
    docs = list(
        AsientoDocumento.objects.filter(unsafe_at__isnull=True).order_by(
            F("scanned_at").asc(nulls_first=True), "pk"
        )[:limit]
    )
    scanned = 0
    for doc in docs:
        try:
            with default_storage.open(str(doc.file.name), "rb") as fh:
                result = scanner.scan(fh.read())
        except ScanError:
            logger.warning("Re-scan stopped: the malware scanner did not answer")
            break
        except OSError:
            logger.exception("Re-scan: document %s cannot be read from storage", doc.pk)
            continue
        scanned += 1
        if result.clean:
            AsientoDocumento.objects.filter(pk=doc.pk).update(scanned_at=timezone.now())
        else:
            documento_mark_unsafe(documento_id=doc.pk, threat=result.threat)
            AsientoDocumento.objects.filter(pk=doc.pk).update(scanned_at=timezone.now())
    return scanned
