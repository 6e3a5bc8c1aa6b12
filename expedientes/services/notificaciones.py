"""Pending notifications: what the processing needs notified until notificaciones exists.

Every step that notifies creates a ``NotificacionPendiente`` with the act's document and its
recipients. The notifications app takes them (``notificaciones_pendientes_claim``) and, when
a notification is practised (access, rejection, paper delivery), reports back with
``notificacion_pendiente_practicada``: that is what starts a request's term.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.services import audit_record

from ..constants import (
    EstadoNotificacionPendiente,
    MotivoSuspension,
    RolParte,
    TipoEvento,
    TipoNotificacion,
)
from ..models import Expediente, NotificacionPendiente, Suspension
from . import plazos
from ._common import bump, event, lock


def destinatarios_for(expediente: Expediente) -> list:
    """Who is notified: the representative when there is one (art. 41.1 reading: the
    notification goes to the one acting), else every interesado."""
    partes = list(expediente.partes.all())
    representantes = [p.interesado_id for p in partes if p.rol == RolParte.REPRESENTANTE]
    return representantes or [p.interesado_id for p in partes if p.rol == RolParte.INTERESADO]


def notificacion_pendiente_create(
    *,
    expediente: Expediente,
    tipo: str,
    documento=None,
    texto: str = "",
    requerimiento=None,
    resolucion=None,
) -> NotificacionPendiente:
    """Record a notification to be sent (the caller holds the file's lock)."""
    pendiente = NotificacionPendiente.objects.create(
        expediente=expediente,
        tipo=tipo,
        documento=documento,
        texto=texto,
        requerimiento=requerimiento,
        resolucion=resolucion,
        created_at=timezone.now(),
    )
    pendiente.destinatarios.set(destinatarios_for(expediente))
    return pendiente


@transaction.atomic
def notificaciones_pendientes_claim(*, limit: int = 100) -> list[NotificacionPendiente]:
    """For the notifications app: take pending notifications not yet taken (each once)."""
    rows = list(
        NotificacionPendiente.objects.select_for_update(skip_locked=True)
        .filter(estado=EstadoNotificacionPendiente.PENDIENTE, claimed_at__isnull=True)
        .order_by("created_at", "pk")[:limit]
    )
    now = timezone.now()
    NotificacionPendiente.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_at=now)
    for row in rows:
        row.claimed_at = now
    return rows


@transaction.atomic
def notificacion_pendiente_practicada(
    *,
    pendiente: NotificacionPendiente,
    at: datetime,
    rechazada: bool = False,
    referencia: str = "",
    actor=None,
) -> NotificacionPendiente:
    """The notification was practised at ``at`` (accessed, or rejected: art. 43.2 — both
    count as practised). Starts the term of a request and suspends the resolution term."""
    if at > timezone.now():
        raise ValidationError(_("La fecha de la notificación no puede ser futura."))
    expediente = lock(pendiente.expediente_id)
    pendiente = NotificacionPendiente.objects.select_for_update().get(pk=pendiente.pk)
    if pendiente.estado != EstadoNotificacionPendiente.PENDIENTE:
        raise ValidationError(_("Esta notificación ya consta como practicada."))
    pendiente.estado = (
        EstadoNotificacionPendiente.RECHAZADA
        if rechazada
        else EstadoNotificacionPendiente.PRACTICADA
    )
    pendiente.practicada_at = at
    pendiente.referencia = referencia[:100]
    pendiente.save(update_fields=["estado", "practicada_at", "referencia"])
    changed: list[str] = []
    if pendiente.tipo == TipoNotificacion.REQUERIMIENTO and pendiente.requerimiento_id:
        req = pendiente.requerimiento
        if req.notificado_at is None:
            req.notificado_at = at
            req.vence_at = plazos.requerimiento_deadline(req)
            req.save(update_fields=["notificado_at", "vence_at"])
            if req.is_pending:
                Suspension.objects.create(
                    expediente=expediente,
                    motivo=MotivoSuspension.SUBSANACION,
                    requerimiento=req,
                    started_at=at,
                )
                event(
                    expediente,
                    TipoEvento.SUSPENSION,
                    _("Plazo de resolución suspendido por el requerimiento (art. 22.1.a)."),
                    visible=True,
                    at=at,
                )
            changed = plazos.recompute(expediente)
    event(
        expediente,
        TipoEvento.NOTIFICACION,
        _("Notificación practicada: %(tipo)s.") % {"tipo": TipoNotificacion(pendiente.tipo).label},
        actor=actor,
        visible=True,
        at=at,
    )
    bump(expediente, *changed)
    audit_record(
        actor=actor,
        action="expedientes.notificacion.practicada",
        obj=pendiente,
        detail={"expediente": expediente.identificador, "at": at.isoformat()},
    )
    return pendiente
