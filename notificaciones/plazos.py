"""When an unopened notification is deemed rejected (NOT-6, art. 43.2 Ley 39/2015).

"Transcurridos diez días naturales desde su puesta a disposición sin que se acceda a su
contenido" — the law does not give the instant (legal.md §11, DEHú's cut-off unverified). Our
reading, configurable with ``NOTIFICACIONES_EXPIRY_MODE``:

* ``fin_de_dia`` (default): natural days are counted from the day after the puesta a
  disposición (art. 30.4 reading, as every day-term); the ten days end at 24:00 (Europe/Madrid)
  of the tenth, so the notification is rejected at 00:00 of the eleventh day. Available on
  2 March at 10:15 → still open on 12 March at 23:59:59 → rejected at 13 March 00:00.
  Natural days: weekends and holidays count and the end is not moved (a presumption, not a
  term for the citizen to act).
* ``exacto``: ten times 24 hours after the instant of the puesta a disposición.

The reminder aviso is sent ``NOTIFICACIONES_REMINDER_HOURS`` before that instant.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings

from calendario.days import MADRID

DAYS = 10


def expiry_instant(puesta_at: datetime) -> datetime:
    mode = getattr(settings, "NOTIFICACIONES_EXPIRY_MODE", "fin_de_dia")
    if mode == "exacto":
        return puesta_at + timedelta(days=DAYS)
    local_day = puesta_at.astimezone(MADRID).date()
    return datetime.combine(local_day + timedelta(days=DAYS + 1), time.min, tzinfo=MADRID)


def reminder_instant(expira_at: datetime) -> datetime:
    return expira_at - timedelta(hours=getattr(settings, "NOTIFICACIONES_REMINDER_HOURS", 48))
