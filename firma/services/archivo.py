"""Long-term preservation of sealed documents: re-timestamp before the last timestamp expires.

A sealed PDF (B-T/B-LTA) stays verifiable after the seal certificate expires because a
timestamp proves when it existed; that timestamp's own certificate expires too. Before it
does (``FIRMA_RETIMESTAMP_BEFORE_DAYS``), a new document timestamp over the whole file,
with the revocation data of the previous TSA chain, is appended (PAdES B-LTA, ETSI EN 319
142-1 §5.5). Each version is renewed in its own transaction; a failure leaves it as it was
and it is retried on the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from firma.models import DocumentoVersion, Resellado

logger = logging.getLogger(__name__)


def versiones_due_for_retimestamp(*, now: dt.datetime | None = None):
    """Sealed versions whose last timestamp expires within the renewal margin."""
    now = now or timezone.now()
    margin = dt.timedelta(days=int(getattr(settings, "FIRMA_RETIMESTAMP_BEFORE_DAYS", 90)))
    return DocumentoVersion.objects.filter(
        timestamp_expires_at__isnull=False, timestamp_expires_at__lt=now + margin
    ).order_by("timestamp_expires_at")


def versiones_retimestamp(*, limit: int = 500) -> int:
    """Renew up to ``limit`` due versions; returns how many were renewed."""
    if not getattr(settings, "FIRMA_TSA_URL", ""):
        return 0
    renewed = 0
    for pk in list(versiones_due_for_retimestamp().values_list("pk", flat=True)[:limit]):
        try:
            if version_retimestamp(version_id=pk):
                renewed += 1
        except Exception:
            logger.exception("firma: re-timestamping document version %s failed", pk)
    return renewed


@transaction.atomic
def version_retimestamp(*, version_id: int) -> bool:
    """Append a document timestamp to one sealed version (idempotent: skips it if another
    run renewed it already). The new bytes must start with the old ones."""
    from firma.services.documentos import documento_read
    from firma.signing.seal import last_timestamp_expiry, retimestamp_pdf

    version = (
        DocumentoVersion.objects.select_for_update(skip_locked=True).filter(pk=version_id).first()
    )
    if version is None or not versiones_due_for_retimestamp().filter(pk=version.pk).exists():
        return False
    before = documento_read(version)
    after = retimestamp_pdf(before)
    if not after.startswith(before):
        raise RuntimeError("re-timestamping must only append to the document")
    expires = last_timestamp_expiry(after)
    sha_before = version.sha256
    version.content.save(version.name, ContentFile(after), save=False)
    version.sha256 = hashlib.sha256(after).hexdigest()
    version.size = len(after)
    version.pades_level = "B-LTA"
    version.timestamp_expires_at = expires
    version.save(update_fields=["content", "sha256", "size", "pades_level", "timestamp_expires_at"])
    Resellado.objects.create(
        version=version, sha256_before=sha_before, sha256_after=version.sha256, expires_at=expires
    )
    return True
