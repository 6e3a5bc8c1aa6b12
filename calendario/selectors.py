"""Reads of the calendar. Everything here is public information (TIME-7, SEDE-2)."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from .days import WorkingCalendar, YearHolidays
from .models import DiaInhabil

CACHE_TIMEOUT = 24 * 3600


def year_cache_key(year: int) -> str:
    return f"calendario:year:{year}"


def holidays_for_year(year: int) -> YearHolidays:
    """The declared holidays of ``year``, cached; the cache is dropped whenever a
    ``DiaInhabil`` of that year changes (``calendario.signals``)."""
    key = year_cache_key(year)
    found = cache.get(key)
    if found is None:
        rows = list(DiaInhabil.objects.filter(date__year=year).values_list("date", "verified"))
        found = YearHolidays(
            year=year,
            holidays=frozenset(day for day, _ in rows),
            unverified=frozenset(day for day, verified in rows if not verified),
            published=bool(rows),
        )
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
