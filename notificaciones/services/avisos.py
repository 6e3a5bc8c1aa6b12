"""Avisos (NOT-4): an email and/or SMS telling the addressee that a notification awaits them.

Sent by Celery with retries and backoff (``notificaciones.tasks.aviso_send_task``); an aviso
that fails never blocks or invalidates the notification (art. 41.6) — staff see its status.
Each (notification, channel, kind) is sent at most once (unique constraint + state check).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..backends import sms_backend
from ..constants import CanalAviso, Estado, EstadoAviso, TipoAviso
from ..models import Aviso, Notificacion
from .publish import enqueue


def _destinos(notificacion: Notificacion) -> list[tuple[str, str]]:
    d = notificacion.destinatario
    out = []
    if d.email:
        out.append((CanalAviso.EMAIL, d.email))
    if d.telefono:
        out.append((CanalAviso.SMS, d.telefono))
    return out


def avisos_create(*, notificacion: Notificacion, tipo: str = TipoAviso.PUESTA) -> list[Aviso]:
    from ..tasks import aviso_send_task

    now = timezone.now()
    created = []
    for canal, destino in _destinos(notificacion):
        aviso, new = Aviso.objects.get_or_create(
            notificacion=notificacion,
            canal=canal,
            tipo=tipo,
            defaults={"destino": destino, "created_at": now},
        )
        if new:
            created.append(aviso)
    ids = [a.pk for a in created]
    if ids:

        def publish() -> None:
            for pk in ids:
                enqueue(aviso_send_task, pk)

        transaction.on_commit(publish)
    return created


def _render(aviso: Aviso) -> tuple[str, str]:
    notificacion = aviso.notificacion
    context = {
        "notificacion": notificacion,
        "aviso": aviso,
        "url": f"{settings.SITE_URL}{'' if notificacion.idioma == 'es' else '/eu'}"
        f"/notificaciones/{notificacion.pk}/",
        "council_name": settings.COUNCIL_NAME,
    }
    with translation.override(notificacion.idioma or "es"):
        if aviso.canal == CanalAviso.SMS:
            return "", render_to_string("notificaciones/avisos/sms.txt", context).strip()
        subject = render_to_string("notificaciones/avisos/email_subject.txt", context)
        body = render_to_string("notificaciones/avisos/email_body.txt", context)
    return " ".join(subject.split()), body


def aviso_send(*, aviso_id: int) -> Aviso | None:
    """Send one aviso; raise on failure so the task retries. Already sent: nothing to do."""
    aviso = Aviso.objects.select_related("notificacion__destinatario").filter(pk=aviso_id).first()
    if aviso is None or aviso.estado == EstadoAviso.ENVIADO:
        return aviso
    Aviso.objects.filter(pk=aviso.pk).update(intentos=aviso.intentos + 1)
    subject, text = _render(aviso)
    try:
        if aviso.canal == CanalAviso.EMAIL:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [aviso.destino])
        else:
            sms_backend().send(to=aviso.destino, text=text)
    except Exception as exc:
        Aviso.objects.filter(pk=aviso.pk).update(ultimo_error=str(exc)[:300])
        raise
    Aviso.objects.filter(pk=aviso.pk).update(
        estado=EstadoAviso.ENVIADO, sent_at=timezone.now(), ultimo_error=""
    )
    aviso.refresh_from_db()
    return aviso


def aviso_failed(*, aviso_id: int, error: str) -> None:
    """Retries exhausted: record it; the notification is unaffected (NOT-4)."""
    Aviso.objects.filter(pk=aviso_id).exclude(estado=EstadoAviso.ENVIADO).update(
        estado=EstadoAviso.FALLIDO, ultimo_error=error[:300]
    )


def recordatorios_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Celery beat: a reminder before expiry, once per notification."""
    now = now or timezone.now()
    hours = getattr(settings, "NOTIFICACIONES_REMINDER_HOURS", 48)
    due = list(
        Notificacion.objects.filter(
            estado=Estado.PUESTA,
            recordatorio_enviado=False,
            expira_at__gt=now,
            expira_at__lte=now + timedelta(hours=hours),
        )
        .select_related("destinatario")
        .order_by("expira_at")[:limit]
    )
    sent = 0
    for notificacion in due:
        with transaction.atomic():
            # Claim it: only one run (or worker) sends the reminder.
            claimed = Notificacion.objects.filter(
                pk=notificacion.pk, recordatorio_enviado=False, estado=Estado.PUESTA
            ).update(recordatorio_enviado=True)
            if claimed:
                avisos_create(notificacion=notificacion, tipo=TipoAviso.RECORDATORIO)
                sent += 1
    return sent


def avisos_sweep(*, older_than_minutes: int = 10, limit: int = 500) -> int:
    """Publish again avisos still pending after a while (the broker lost the message)."""
    from ..tasks import aviso_send_task

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        Aviso.objects.filter(estado=EstadoAviso.PENDIENTE, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        enqueue(aviso_send_task, pk)
    return len(ids)
