"""Portafirmas notices: an e-mail when a step opens, reminders near and after deadlines."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from firma.constants import EstadoAccion
from firma.models import AccionFirma
from firma.selectors import acciones_actionable

logger = logging.getLogger(__name__)


def _notify_step(paso_id: int) -> None:
    """When a step opens, tell its people by e-mail (after the commit, never before)."""

    def send() -> None:
        acciones = AccionFirma.objects.filter(
            paso_id=paso_id, estado=EstadoAccion.PENDIENTE
        ).select_related("firmante", "paso__peticion")
        for accion in acciones:
            if not accion.firmante.email:
                continue
            peticion = accion.paso.peticion
            subject = _("Petición de firma pendiente: %(asunto)s") % {"asunto": peticion.asunto}
            body = "\n\n".join(
                [
                    _("Tiene una petición de firma pendiente: %(asunto)s.")
                    % {"asunto": peticion.asunto},
                    _("Acción pendiente: %(tipo)s") % {"tipo": accion.get_tipo_display()},
                    _("Puede hacerlo desde su bandeja del portafirmas: %(url)s")
                    % {"url": f"{settings.SITE_URL}/firma/portafirmas/"},
                ]
            )
            try:
                send_mail(subject, body, None, [accion.firmante.email])
            except OSError:  # the mail server is down: the inbox and reminders still work
                logger.exception("firma: could not notify action %s", accion.pk)

    transaction.on_commit(send)


# --- Deadlines and reminders ---------------------------------------------------------


def _hours_setting(name: str, default: int) -> timedelta:
    return timedelta(hours=int(getattr(settings, name, default)))


def recordatorios_send(*, now: datetime | None = None) -> int:
    """E-mail each signer whose pending action is near or past the request's deadline.

    A reminder goes out when the deadline is less than FIRMA_REMINDER_BEFORE_HOURS (24) away,
    or past, and at most once every FIRMA_REMINDER_EVERY_HOURS (24) for the same action.
    Returns how many reminders were sent.
    """
    now = now or timezone.now()
    before = _hours_setting("FIRMA_REMINDER_BEFORE_HOURS", 24)
    every = _hours_setting("FIRMA_REMINDER_EVERY_HOURS", 24)
    candidates = (
        acciones_actionable()
        .filter(paso__peticion__fecha_limite__isnull=False)
        .filter(paso__peticion__fecha_limite__lte=now + before)
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - every))
        .select_related("firmante", "paso__peticion")
    )
    sent = 0
    for accion in candidates:
        # Claim the reminder with a conditional update, so two sweeps never both send it.
        claimed = (
            AccionFirma.objects.filter(pk=accion.pk, last_reminder_at=accion.last_reminder_at)
            .filter(estado=EstadoAccion.PENDIENTE)
            .update(last_reminder_at=now, reminders_sent=F("reminders_sent") + 1)
        )
        if not claimed or not accion.firmante.email:
            continue
        _send_reminder(accion, now=now)
        sent += 1
    return sent


def _send_reminder(accion: AccionFirma, *, now: datetime) -> None:
    peticion = accion.paso.peticion
    fecha = timezone.localtime(peticion.fecha_limite).strftime("%d/%m/%Y %H:%M")
    if peticion.fecha_limite <= now:
        subject = _("Petición de firma vencida: %(asunto)s") % {"asunto": peticion.asunto}
        intro = _("El plazo para actuar en esta petición de firma venció el %(fecha)s.")
    else:
        subject = _("Petición de firma a punto de vencer: %(asunto)s") % {"asunto": peticion.asunto}
        intro = _("El plazo para actuar en esta petición de firma vence el %(fecha)s.")
    body = "\n\n".join(
        [
            intro % {"fecha": fecha},
            _("Acción pendiente: %(tipo)s") % {"tipo": accion.get_tipo_display()},
            _("Puede hacerlo desde su bandeja del portafirmas: %(url)s")
            % {"url": f"{settings.SITE_URL}/firma/portafirmas/"},
        ]
    )
    send_mail(subject, body, None, [accion.firmante.email])
