"""Which channel a notification goes by (NOT-2, NOT-3; art. 14 and 41 Ley 39/2015)."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from calendario.days import MADRID
from calendario.terms import next_working_day
from identidad.constants import TipoPersona
from identidad.services import audit_record

from ..constants import Canal, MotivoCanal
from ..models import PreferenciaNotificacion

CHANGE_DELAY_WORKING_DAYS = 5


def change_effective_at(recorded_at: datetime) -> datetime:
    """NOT-2: a change of choice takes effect from the 5th working day after it is recorded
    (00:00 Europe/Madrid of that day)."""
    day = recorded_at.astimezone(MADRID).date()
    for _ in range(CHANGE_DELAY_WORKING_DAYS):
        day = next_working_day(day)
    return datetime.combine(day, time.min, tzinfo=MADRID)


@transaction.atomic
def preferencia_set(
    *, interesado, electronica: bool, actor=None, at: datetime | None = None, inicial=False
) -> PreferenciaNotificacion:
    """Record a natural person's choice of channel.

    ``inicial``: the choice made in the application that starts a procedure applies at once
    (art. 41.1: the interested party indicates it when filing); any later change takes effect
    on the 5th working day (NOT-2).
    """
    at = at or timezone.now()
    effective = at if inicial else change_effective_at(at)
    preferencia = PreferenciaNotificacion.objects.create(
        interesado=interesado, electronica=electronica, recorded_at=at, effective_at=effective
    )
    audit_record(
        actor=actor,
        action="notificaciones.preferencia",
        obj=interesado,
        detail={"electronica": electronica, "effective_at": effective.isoformat()},
    )
    return preferencia


def preferencia_vigente(interesado, at: datetime | None = None) -> PreferenciaNotificacion | None:
    at = at or timezone.now()
    return (
        PreferenciaNotificacion.objects.filter(interesado=interesado, effective_at__lte=at)
        .order_by("-effective_at", "-id")
        .first()
    )


def canal_for(interesado, at: datetime | None = None) -> tuple[str, str]:
    """(channel, reason) for ``interesado`` at ``at``.

    Legal persons are obliged to relate electronically (art. 14.2.a). Natural persons choose;
    without a recorded choice the notification goes on paper and is also made available in the
    sede (art. 42.1), where accessing it first practises it.
    """
    if interesado.tipo == TipoPersona.JURIDICA:
        return Canal.ELECTRONICO, MotivoCanal.OBLIGADO
    preferencia = preferencia_vigente(interesado, at)
    if preferencia is None:
        return Canal.PAPEL, MotivoCanal.SIN_ELECCION
    if preferencia.electronica:
        return Canal.ELECTRONICO, MotivoCanal.ELEGIDO
    return Canal.PAPEL, MotivoCanal.PAPEL_ELEGIDO
