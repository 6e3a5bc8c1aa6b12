"""Reads of the calendar. Everything here is public information (TIME-7, SEDE-2)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
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
