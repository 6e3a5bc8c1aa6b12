"""The term engine: Ley 39/2015 art. 30 (cómputo de plazos), 31.2.b and 32.1.

Every function takes the calendar as a keyword argument (``calendar=``); without it, the
published calendar of the sede is used (``calendario.selectors.working_calendar()``), the
only calendar applied to registry computations (TIME-7, art. 31.3). Passing a
``WorkingCalendar`` makes them pure and fast, which is how the tests and hot loops use them.

Instants are timezone-aware and expressed in Europe/Madrid, the official time of the sede
(art. 31.2). A naive datetime is refused rather than guessed.

Readings of the law that a lawyer may want to check:

* Day-based terms (working days, natural days, months, years) end at the last instant of
  their last day, 23:59:59.999999 local time: anything presented on that day is in time.
* Months and years (30.4) end on the same day-number as the notification in the target
  month or year, or on its last day when that number does not exist; then 30.5 applies.
* Hours (30.1): "son hábiles todas las horas del día que formen parte de un día hábil" and
  they are counted "de hora en hora y de minuto en minuto desde la hora y minuto" of the
  notification. So: the seconds of the notification instant are dropped; only the hours of
  working days run (a working day contributes its 24 hours, 00:00 to 24:00, measured in real
  elapsed time, so a daylight-saving change would count as it really is); hours of
  Saturdays, Sundays and holidays are skipped; a notification on a non-working day starts
  the count at 00:00 of the next working day; the term ends at the instant its hours have
  elapsed (a term that ends exactly at 24:00 ends at 23:59:59.999999 of that working day, so
  its end date is always a working day). At most 24 hours (longer terms are in days).
* Unconfirmed holidays (``verified=False``) count as non-working, like every day of the
  published calendar; a result lists the ones it crossed in ``unverified_days`` so that
  staff can see that the date depends on them.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from .constants import MAX_HOURS, UnidadPlazo
from .days import MADRID, ONE_DAY, WorkingCalendar

__all__ = [
    "ExtensionError",
    "InstanteEfectivo",
    "Plazo",
    "add_term",
    "effective_instant",
    "extend_term",
    "is_in_time",
    "is_working_day",
    "max_extension",
    "next_working_day",
]


class ExtensionError(ValueError):
    """An ampliación the law does not allow (art. 32.1 and 32.3)."""


@dataclass(frozen=True)
class Plazo:
    """A computed term.

    ``start`` is the notification or publication instant; ``count_from`` the first instant
    counted (00:00 of the next day for day-based terms, art. 30.3-4); ``nominal_end_date``
    the last day before art. 30.5 moves it; ``end`` the last instant of the term.
    """

    unit: str
    amount: int
    start: datetime
    count_from: datetime
    nominal_end_date: date
    end: datetime
    moved_to_next_working_day: bool
    unverified_days: tuple[date, ...] = ()
    unpublished_years: tuple[int, ...] = ()
    extended_by: int = 0

    @property
    def end_date(self) -> date:
        return self.end.date()

    @property
    def natural_days_notice_required(self) -> bool:
        """TIME-6 (art. 30.2): a term in natural days must say so in the notification."""
        return self.unit == UnidadPlazo.DIAS_NATURALES


@dataclass(frozen=True)
class InstanteEfectivo:
    """REG-2: when a presentation counts (``effective_at``) and when it really happened."""

    presented_at: datetime
    effective_at: datetime

    @property
    def moved(self) -> bool:
        return self.effective_at != self.presented_at

    @property
    def ordering_key(self) -> tuple[datetime, datetime]:
        """Sort presentations by this key: effective instant first, then real time, so
        that those made on a non-working day keep their order and precede every filing of
        the next working day (art. 31.2.b).

        In UTC: Python compares two datetimes of the same zone by wall-clock time, so the
        two 02:30 of the last Sunday of October would otherwise tie or compare wrongly."""
        return (self.effective_at.astimezone(UTC), self.presented_at.astimezone(UTC))


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is not None:
        return calendar
    from .selectors import working_calendar

    return working_calendar()


def _local(instant: date | datetime) -> datetime:
    if isinstance(instant, datetime):
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("A naive datetime is ambiguous: give a timezone-aware instant.")
        return instant.astimezone(MADRID)
    return datetime.combine(instant, time.min, tzinfo=MADRID)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=MADRID)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=MADRID)


def _months_later(day: date, months: int) -> date:
    """Art. 30.4: the same day-number ``months`` later, or the last day of that month."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = _stdlib_calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last))


def is_working_day(day: date, *, calendar: WorkingCalendar | None = None) -> bool:
    """TIME-2: Saturdays, Sundays and declared holidays are not working days."""
    return _calendar(calendar).is_working_day(day)


def next_working_day(day: date, *, calendar: WorkingCalendar | None = None) -> date:
    """The first working day strictly after ``day`` (TIME-3, REG-2)."""
    return _calendar(calendar).next_working_day(day)


def add_term(
    start: date | datetime,
    amount: int,
    unit: str,
    *,
    calendar: WorkingCalendar | None = None,
) -> Plazo:
    """The end of a term of ``amount`` ``unit`` notified or published at ``start``.

    TIME-2 (working days, from the day after), TIME-3 (last day non-working → next working
    day), TIME-4 (months and years), TIME-5 (hours): see the module docstring.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError("The amount of a term must be a positive whole number.")
    unit = UnidadPlazo(unit)
    cal = _calendar(calendar)
    local = _local(start)
    if unit == UnidadPlazo.HORAS:
        if not isinstance(start, datetime):
            raise ValueError("A term in hours needs the hour and minute of the notification.")
        if amount > MAX_HOURS:
            raise ValueError("A term in hours lasts at most 24 hours (art. 30.1).")
        return _hours_term(local, amount, amount, cal)

    notified_on = local.date()
    if unit == UnidadPlazo.DIAS_HABILES:
        nominal = notified_on
        for _ in range(amount):
            nominal = cal.next_working_day(nominal)
    elif unit == UnidadPlazo.DIAS_NATURALES:
        nominal = notified_on + timedelta(days=amount)
    elif unit == UnidadPlazo.MESES:
        nominal = _months_later(notified_on, amount)
    else:
        nominal = _months_later(notified_on, 12 * amount)
    last_day = cal.working_day_on_or_after(nominal)
    first_day = notified_on + ONE_DAY
    return Plazo(
        unit=unit.value,
        amount=amount,
        start=local,
        count_from=_start_of(first_day),
        nominal_end_date=nominal,
        end=_end_of(last_day),
        moved_to_next_working_day=last_day != nominal,
        unverified_days=cal.unverified_between(first_day, last_day),
        unpublished_years=cal.unpublished_years(notified_on, last_day),
    )


def _hours_term(start: datetime, amount: int, hours: int, cal: WorkingCalendar) -> Plazo:
    """Count ``hours`` working hours from ``start`` (already in Madrid time)."""
    cursor = start.replace(second=0, microsecond=0)
    day = cursor.date()
    if not cal.is_working_day(day):
        day = cal.next_working_day(day)
        cursor = _start_of(day)
    count_from = cursor
    remaining = timedelta(hours=hours)
    while True:
        day_end = _start_of(day + ONE_DAY)
        available = day_end.astimezone(UTC) - cursor.astimezone(UTC)
        if remaining < available:
            end = (cursor.astimezone(UTC) + remaining).astimezone(MADRID)
            break
        if remaining == available:
            end = _end_of(day)
            break
        remaining -= available
        day = cal.next_working_day(day)
        cursor = _start_of(day)
    return Plazo(
        unit=UnidadPlazo.HORAS.value,
        amount=amount,
        start=start,
        count_from=count_from,
        nominal_end_date=end.date(),
        end=end,
        moved_to_next_working_day=False,
        unverified_days=cal.unverified_between(start.date(), end.date()),
        unpublished_years=cal.unpublished_years(start.date(), end.date()),
        extended_by=hours - amount,
    )


def effective_instant(
    presented_at: datetime, *, calendar: WorkingCalendar | None = None
) -> InstanteEfectivo:
    """REG-2 (art. 31.2.b): a presentation on a non-working day is deemed made at 00:00
    of the next working day (Europe/Madrid); on a working day it counts when it was made.

    The rule applies to terms in working days counted for the interesados; callers use
    ``presented_at`` where another rule applies. Sort with ``ordering_key``.
    """
    if not isinstance(presented_at, datetime):
        raise ValueError("A presentation needs its date and time.")
    local = _local(presented_at)
    cal = _calendar(calendar)
    day = local.date()
    if cal.is_working_day(day):
        return InstanteEfectivo(presented_at=local, effective_at=local)
    return InstanteEfectivo(presented_at=local, effective_at=_start_of(cal.next_working_day(day)))


def is_in_time(plazo: Plazo, presented_at: datetime) -> bool:
    """Whether a presentation at ``presented_at`` meets ``plazo`` (compared in UTC).

    Because a term never ends on a non-working day (30.5) and always ends at an instant of
    a working day, comparing the real instant or the REG-2 effective instant gives the
    same answer: a presentation on the Saturday after a Friday deadline is late either way,
    one on the Saturday before a Monday deadline is in time either way.
    """
    if not isinstance(presented_at, datetime):
        raise ValueError("A presentation needs its date and time.")
    return _local(presented_at).astimezone(UTC) <= plazo.end.astimezone(UTC)


def max_extension(amount: int) -> int:
    """TIME-8 (art. 32.1): the longest ampliación of a term of ``amount`` units, in the same
    unit, rounded down so that it never exceeds half of the original term."""
    return amount // 2


def extend_term(
    plazo: Plazo,
    amount: int,
    *,
    decided_at: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Plazo:
    """TIME-8: the term ``plazo`` extended by ``amount`` of its own unit.

    The extension is part of the same term: the result is the term of ``plazo.amount +
    amount`` counted from the same notification (for hours, the 24-hour limit of art. 30.1
    applies to the original term, not to the extended one). Refused when it exceeds half
    of the original (32.1) or when it is decided after the term has ended (32.3). The
    agreement must still be notified to the interesados (32.1): that is the caller's job.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError("The amount of an extension must be a positive whole number.")
    if plazo.extended_by:
        raise ExtensionError("This term has already been extended.")
    if amount > max_extension(plazo.amount):
        raise ExtensionError(
            f"An extension may not exceed half of the original term "
            f"(at most {max_extension(plazo.amount)} here, art. 32.1)."
        )
    if decided_at is not None and _local(decided_at).astimezone(UTC) > plazo.end.astimezone(UTC):
        raise ExtensionError("A term that has already ended cannot be extended (art. 32.3).")
    cal = _calendar(calendar)
    if plazo.unit == UnidadPlazo.HORAS:
        return _hours_term(plazo.start, plazo.amount, plazo.amount + amount, cal)
    extended = add_term(plazo.start, plazo.amount + amount, plazo.unit, calendar=cal)
    return replace(extended, amount=plazo.amount, extended_by=amount)
