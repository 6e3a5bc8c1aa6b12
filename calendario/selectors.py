"""Reads of the calendar. Everything here is public information (TIME-7, SEDE-2)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from .days import WorkingCalendar, YearHolidays
from .models import DiaInhabil

CACHE_TIMEOUT = 24 * 3600


def unverified_days_are_non_working() -> bool:
    """Whether a day still pending confirmation counts as non-working (default: yes).

    Our reading: the calendar published in the sede is the one the registry applies (art.
    31.3), so every day it shows counts, and the sede marks it as pending. The setting
    ``CALENDARIO_UNVERIFIED_NON_WORKING = False`` makes such days working days instead.
    """
    return bool(getattr(settings, "CALENDARIO_UNVERIFIED_NON_WORKING", True))


def year_cache_keys(year: int) -> list[str]:
    """Every cache key of ``year`` (one per value of the setting above)."""
    return [f"calendario:year:{year}:{flag}" for flag in (0, 1)]


def mark_changed_in_transaction(using: str = DEFAULT_DB_ALIAS) -> None:
    """Called when a ``DiaInhabil`` is written: while the surrounding transaction is open,
    what this connection reads is not committed yet and must not go into the shared cache
    (a rollback would leave it there)."""
    conn = connections[using]
    conn.calendario_dirty_block = conn.atomic_blocks[0] if conn.in_atomic_block else None


def _may_cache(using: str = DEFAULT_DB_ALIAS) -> bool:
    conn = connections[using]
    dirty = getattr(conn, "calendario_dirty_block", None)
    return dirty is None or not conn.in_atomic_block or conn.atomic_blocks[0] is not dirty


def holidays_for_year(year: int) -> YearHolidays:
    """The declared holidays of ``year``, cached; the cache is dropped whenever a
    ``DiaInhabil`` of that year changes (``calendario.signals``)."""
    count_unverified = unverified_days_are_non_working()
    key = year_cache_keys(year)[count_unverified]
    found = cache.get(key)
    if found is None:
        rows = list(DiaInhabil.objects.filter(date__year=year).values_list("date", "verified"))
        found = YearHolidays(
            year=year,
            holidays=frozenset(day for day, verified in rows if verified or count_unverified),
            unverified=frozenset(day for day, verified in rows if not verified),
            published=bool(rows),
        )
        if _may_cache():
            cache.set(key, found, CACHE_TIMEOUT)
    return found


def working_calendar() -> WorkingCalendar:
    """The sede's calendar: the only one used for registry computations (art. 31.3)."""
    return WorkingCalendar(loader=holidays_for_year)


def dia_inhabil_list(*, year: int) -> QuerySet[DiaInhabil]:
    return DiaInhabil.objects.filter(date__year=year).order_by("date")


def calendar_years() -> list[int]:
    """The years that have at least one declared holiday, in order."""
    return sorted(
        DiaInhabil.objects.annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
    )
