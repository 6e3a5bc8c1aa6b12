"""Terms of a case file (CAT-1, CAT-3, CAT-6; L39 arts. 21, 22, 68) computed with calendario.

Readings a lawyer may want to check (documented here, applied in one place):

* The resolution term runs from the entry's REG-2 effective instant in the registry of the
  competent body (art. 21.3.b), in the procedure's unit (months or working days).
* A suspension (art. 22.1) stops the clock from the day it starts to the day it ends; the
  natural days between those two dates are added to the end of the term, and if the new last
  day is not a working day the term ends on the next working day (art. 30.5). While a
  suspension is open the file has no resolution deadline (``vence_at`` is empty).
* Silence takes effect at 00:00 of the day after the term ends (``silencio_at``).
* A request's term (10 working days, + up to 5 of extension) runs from its notification.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from calendario.constants import UnidadPlazo as UnidadCalendario
from calendario.days import MADRID
from calendario.terms import add_term

from ..constants import EstadoRequerimiento
from ..models import Expediente, Requerimiento

_UNITS = {"dias": UnidadCalendario.DIAS_HABILES, "meses": UnidadCalendario.MESES}


def calendar_unit(procedimiento_unit: str) -> str:
    """The catalogue's unit ("dias" working days, "meses") in calendario's terms."""
    return _UNITS.get(procedimiento_unit, procedimiento_unit)


def _working_calendar():
    from calendario.selectors import working_calendar

    return working_calendar()


def suspended_days(suspensiones) -> int:
    """Natural days suspended by the closed suspensions (see the module docstring)."""
    total = 0
    for s in suspensiones:
        if s.ended_at is None:
            continue
        start = timezone.localtime(s.started_at, MADRID).date()
        end = timezone.localtime(s.ended_at, MADRID).date()
        total += max((end - start).days, 0)
    return total


def resolution_deadline(expediente: Expediente, suspensiones) -> tuple[datetime | None, bool]:
    """(end of the resolution term, suspended now?) for ``expediente``.

    A term of 0 (no maximum term in the catalogue: not expected, CAT-1 defaults to 3 months)
    has no deadline."""
    suspensiones = list(suspensiones)
    if any(s.ended_at is None for s in suspensiones):
        return None, True
    if not expediente.plazo_valor:
        return None, False
    cal = _working_calendar()
    base = add_term(
        expediente.plazo_inicio,
        expediente.plazo_valor,
        calendar_unit(expediente.plazo_unidad),
        calendar=cal,
    )
    days = suspended_days(suspensiones)
    if not days:
        return base.end, False
    last = cal.working_day_on_or_after(base.end.date() + timedelta(days=days))
    return datetime.combine(last, time.max, tzinfo=MADRID), False


def silence_instant(deadline: datetime | None) -> datetime | None:
    if deadline is None:
        return None
    day = timezone.localtime(deadline, MADRID).date() + timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=MADRID)


def requerimiento_deadline(requerimiento: Requerimiento) -> datetime | None:
    if requerimiento.notificado_at is None:
        return None
    plazo = add_term(
        requerimiento.notificado_at,
        requerimiento.dias + requerimiento.ampliacion_dias,
        UnidadCalendario.DIAS_HABILES,
        calendar=_working_calendar(),
    )
    return plazo.end


def recompute(expediente: Expediente) -> list[str]:
    """Recompute the file's deadlines in place; return the fields that changed."""
    vence, suspendido = resolution_deadline(expediente, expediente.suspensiones.all())
    candidates = [vence] if vence else []
    pending = (
        Requerimiento.objects.filter(
            expediente=expediente, estado=EstadoRequerimiento.PENDIENTE, vence_at__isnull=False
        )
        .order_by("vence_at")
        .values_list("vence_at", flat=True)
        .first()
    )
    if pending is not None:
        candidates.append(pending)
    new = {
        "vence_at": vence,
        "silencio_at": silence_instant(vence),
        "suspendido": suspendido,
        "proximo_vencimiento": min(candidates) if candidates else None,
    }
    changed = []
    for field, value in new.items():
        if getattr(expediente, field) != value:
            setattr(expediente, field, value)
            changed.append(field)
    return changed
