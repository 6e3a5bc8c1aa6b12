"""Turn the case files' pending notifications into real ones (expedientes → notificaciones).

``expedientes`` records a ``NotificacionPendiente`` at every step that notifies (a correction
request, a resolution, the CAT-3 communication…); it cannot import this app. A Celery beat job
(and the staff's "send now" button) claims them and makes one notification per addressee
available; the first practice reports back to the case file, which starts the request's term.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from ..constants import Clase
from .core import notificacion_make_available, notificacion_prepare

RECURSOS_RESOLUCION = gettext_noop(
    "Esta resolución pone fin a la vía administrativa. Contra ella puede interponer recurso "
    "potestativo de reposición ante el mismo órgano en el plazo de un mes, o recurso "
    "contencioso-administrativo ante los Juzgados de lo Contencioso-Administrativo de Bilbao en "
    "el plazo de dos meses, contados ambos desde el día siguiente al de esta notificación "
    "(arts. 123 y 124 de la Ley 39/2015; art. 46 de la Ley 29/1998)."
)
RECURSOS_TRAMITE = gettext_noop(
    "Este acto es de trámite y no pone fin a la vía administrativa: no cabe recurso contra él, "
    "sin perjuicio de que pueda alegar lo que estime oportuno (art. 112.1 de la Ley 39/2015)."
)


def _clase_for(tipo: str) -> str:
    from expedientes.constants import TipoNotificacion

    return (
        Clase.COMUNICACION if tipo == TipoNotificacion.COMUNICACION_INICIO else Clase.NOTIFICACION
    )


def _recursos_for(tipo: str, idioma: str) -> str:
    from expedientes.constants import TipoNotificacion

    with override(idioma):
        if tipo == TipoNotificacion.COMUNICACION_INICIO:
            return ""
        if tipo == TipoNotificacion.RESOLUCION:
            return str(_(RECURSOS_RESOLUCION))
        return str(_(RECURSOS_TRAMITE))


def pendiente_process(pendiente) -> list:
    """One notification per addressee of ``pendiente``, made available now."""
    from expedientes.constants import TipoNotificacion

    expediente = pendiente.expediente
    asiento = expediente.asiento_origen
    idioma = getattr(asiento, "idioma", "es") or "es"
    documentos = [pendiente.documento] if pendiente.documento_id else []
    with override(idioma):
        asunto = f"{TipoNotificacion(pendiente.tipo).label} · {expediente.identificador}"
    texto = pendiente.texto or asunto
    out = []
    with transaction.atomic():
        type(pendiente).objects.select_for_update().filter(pk=pendiente.pk).first()
        for interesado in pendiente.destinatarios.all():
            if pendiente.notificaciones.filter(destinatario=interesado).exists():
                continue  # made before a crash: never notify anyone twice
            notificacion = notificacion_prepare(
                destinatario=interesado,
                unidad=expediente.unidad,
                asunto=asunto,
                texto=texto,
                recursos=_recursos_for(pendiente.tipo, idioma),
                documentos=documentos,
                expediente=expediente,
                pendiente=pendiente,
                clase=_clase_for(pendiente.tipo),
                idioma=idioma,
            )
            out.append(notificacion_make_available(notificacion=notificacion))
    return out


def pendientes_process(*, limit: int = 100, expediente_id: int | None = None) -> int:
    """Claim pending notifications of the case files and make them available.

    A claim is a lease: one claimed but left without notifications for ten minutes (the
    worker died between the claim and the work) is taken again. ``pendiente_process`` never
    notifies an addressee twice.
    """
    from expedientes.constants import EstadoNotificacionPendiente
    from expedientes.models import NotificacionPendiente
    from expedientes.services.notificaciones import notificaciones_pendientes_claim

    pending = NotificacionPendiente.objects.filter(estado=EstadoNotificacionPendiente.PENDIENTE)
    if expediente_id is not None:
        rows = list(pending.filter(expediente_id=expediente_id, notificaciones__isnull=True))
    else:
        stale = timezone.now() - timedelta(minutes=10)
        rows = notificaciones_pendientes_claim(limit=limit) + list(
            pending.filter(claimed_at__lt=stale, notificaciones__isnull=True)[:limit]
        )
    made = 0
    for pendiente in rows:
        made += len(pendiente_process(pendiente))
    return made
