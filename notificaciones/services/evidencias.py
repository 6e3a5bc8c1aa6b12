"""Acuses (NOT-9): what each one proves is fixed at the instant of the fact; the sealed PDF
(with CSV, and the seal's timestamp where a TSA is configured) is produced right after commit
by a Celery task, and a periodic sweep seals any the broker lost."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Evidencia, Notificacion
from .publish import enqueue


def _datos(notificacion: Notificacion, tipo: str, at: datetime) -> dict:
    d = notificacion.destinatario
    return {
        "identificador": notificacion.identificador,
        "asunto": notificacion.asunto,
        "expediente": notificacion.expediente.identificador if notificacion.expediente_id else "",
        "organo": f"{notificacion.unidad.name_es} ({notificacion.unidad.dir3})",
        "destinatario": {"nombre": d.display_name, "nif": d.nif},
        "canal": notificacion.canal,
        "puesta_at": notificacion.puesta_at.isoformat() if notificacion.puesta_at else "",
        "expira_at": notificacion.expira_at.isoformat() if notificacion.expira_at else "",
        "hecho": tipo,
        "hecho_at": at.isoformat(),
        "actuo": (
            {
                "usuario": notificacion.abierta_por.get_full_name()
                or notificacion.abierta_por.get_username(),
                "nif": notificacion.abierta_por.nif or "",
                "via": notificacion.via,
                "apoderamiento": str(notificacion.apoderamiento)
                if notificacion.apoderamiento_id
                else "",
            }
            if notificacion.abierta_por_id
            else None
        ),
        "documentos": notificacion.huellas,
    }


def evidencia_record(*, notificacion: Notificacion, tipo: str, at: datetime) -> Evidencia:
    from ..tasks import evidencia_seal_task

    evidencia = Evidencia.objects.create(
        notificacion=notificacion, tipo=tipo, at=at, datos=_datos(notificacion, tipo, at)
    )
    transaction.on_commit(lambda: enqueue(evidencia_seal_task, evidencia.pk))
    return evidencia


def render_evidencia_pdf(evidencia: Evidencia) -> bytes:
    from weasyprint import HTML

    from registro.justificante import font_configuration

    notificacion = evidencia.notificacion
    with translation.override(notificacion.idioma or "es"):
        html = render_to_string(
            "notificaciones/pdf/evidencia.html",
            {
                "evidencia": evidencia,
                "datos": evidencia.datos,
                "hecho_at": datetime.fromisoformat(evidencia.datos["hecho_at"]),
                "puesta_at": notificacion.puesta_at,
                "expira_at": notificacion.expira_at,
                "council_name": settings.COUNCIL_NAME,
                "council_name_eu": settings.COUNCIL_NAME_EU,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        font_config=font_configuration()
    )


def evidencia_seal(*, evidencia_id: int) -> Evidencia | None:
    """Seal the acuse (idempotent: a sealed one is left as it is)."""
    from firma.services import csv_issue

    evidencia = (
        Evidencia.objects.select_related("notificacion__unidad", "notificacion__destinatario")
        .filter(pk=evidencia_id)
        .first()
    )
    if evidencia is None or evidencia.sealed_at is not None:
        return evidencia
    pdf = render_evidencia_pdf(evidencia)
    with transaction.atomic():
        locked = Evidencia.objects.select_for_update().get(pk=evidencia_id)
        if locked.sealed_at is not None:
            return locked
        version = csv_issue(
            content=pdf,
            name=f"acuse-{locked.notificacion.identificador}-{locked.tipo}.pdf",
            mime="application/pdf",
            stamp=True,
            seal=True,
            note=_("Acuse de notificación"),
        )
        locked.csv, locked.firma_version, locked.sealed_at = version.csv, version, timezone.now()
        locked.save(update_fields=["csv", "firma_version", "sealed_at"])
        return locked


def evidencias_sweep(*, limit: int = 200) -> int:
    """Publish again the sealing of acuses still unsealed (broker or worker was down)."""
    from ..tasks import evidencia_seal_task

    ids = list(
        Evidencia.objects.filter(sealed_at=None).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        enqueue(evidencia_seal_task, pk)
    return len(ids)
