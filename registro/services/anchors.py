"""Sealed checkpoints of the chain heads (issue 17 item 3).

A hash chain shows any change in the middle, and the head row shows removals at the end —
unless the head is rolled back too. ``anclaje_seal`` (a periodic task) records every
registry counter's last number and hash and the audit trail's head in a PDF sealed with the
council seal through firma (the canonical JSON embedded in it), kept as a firma document
with its own CSV: outside the rows it protects. ``registro_verify`` then requires every
anchored entry to be there with the anchored hash. What is registered after the last
checkpoint is protected by the chain and the head only, until the next one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import GENESIS_HASH, Anclaje, Contador

ANCHOR_ATTACHMENT = "anclaje.json"
ANCHOR_NOTE = "registro.anclaje"


def canonical(datos: dict) -> bytes:
    return json.dumps(datos, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_heads() -> dict:
    """Every registry counter's (year, direction, last number, last hash) and the audit
    trail's (last sequence number, last hash), as committed now."""
    from identidad.selectors import audit_chain_head

    registro = [
        {"year": year, "direction": direction, "seq": seq, "hash": last_hash}
        for year, direction, seq, last_hash in Contador.objects.order_by(
            "year", "direction"
        ).values_list("year", "direction", "last_seq", "last_hash")
    ]
    audit_seq, audit_hash = audit_chain_head()
    return {"registro": registro, "audit": {"seq": audit_seq, "hash": audit_hash}}


def render_anclaje_pdf(datos: dict, digest: str) -> bytes:
    from weasyprint import HTML, Attachment

    from ..justificante import font_configuration

    html = render_to_string(
        "registro/anclaje_pdf.html",
        {
            "datos": datos,
            "digest": digest,
            "council_name": settings.COUNCIL_NAME,
            "council_dir3": settings.COUNCIL_DIR3,
        },
    )
    attachment = Attachment(
        string=canonical(datos).decode(),
        name=ANCHOR_ATTACHMENT,
        description="Chain heads (canonical JSON)",
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=font_configuration(), attachments=[attachment]
    )


def anclaje_seal(*, now: datetime | None = None) -> Anclaje:
    """Chain the audit rows pending, then seal a checkpoint of every chain head."""
    from identidad.services import audit_chain_pending

    from ..justificante import csv_issue_sealed, csv_reserve

    audit_chain_pending()
    now = now or timezone.now()
    previous = Anclaje.objects.order_by("-created_at", "-id").first()
    datos = {
        "at": now.isoformat(),
        "prev": previous.digest if previous is not None else GENESIS_HASH,
        **chain_heads(),
    }
    digest = hashlib.sha256(canonical(datos)).hexdigest()
    pdf = render_anclaje_pdf(datos, digest)
    with transaction.atomic():
        code, version_id = csv_issue_sealed(
            pdf=pdf,
            name=f"anclaje-{now:%Y%m%d-%H%M%S}.pdf",
            code=csv_reserve(),
            note=ANCHOR_NOTE,
            stamp=False,
        )
        return Anclaje.objects.create(
            created_at=now, datos=datos, digest=digest, csv=code, version_id=version_id
        )


def sealed_anclaje_datos(pdf: bytes) -> dict | None:
    """The chain heads embedded in a sealed checkpoint PDF (None if there are none)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None
    for i in range(0, len(names) - 1, 2):
        spec = names[i + 1]
        if str(spec.get("/UF", spec.get("/F", ""))) == ANCHOR_ATTACHMENT:
            return json.loads(spec["/EF"]["/F"].data)
    return None
