"""The working-day calendar as a plain value: which days are hábiles (TIME-2, TIME-7).

``WorkingCalendar`` knows nothing of the database: it asks a loader for one year at a time
and remembers the answer. ``calendario.selectors.working_calendar()`` builds one backed by
the ``DiaInhabil`` table (through the cache); tests build one from a list of dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

# The official time of the sede is peninsular Spanish time (Ley 39/2015 art. 31.2).
MADRID = ZoneInfo("Europe/Madrid")

ONE_DAY = timedelta(days=1)
# A calendar in which nothing but weekends exist still ends: no more than this many
# consecutive non-working days are ever searched (a sanity bound, not a legal rule).
_MAX_CONSECUTIVE_NON_WORKING = 366


@dataclass(frozen=True)
class YearHolidays:
    """The declared holidays of one year.

    ``published`` is False when the calendar holds no day at all for that year: the
    computation then only knows the weekends, and says so.
    """

    year: int
    holidays: frozenset[date] = frozenset()
    unverified: frozenset[date] = frozenset()
    published: bool = True


@dataclass
class WorkingCalendar:
    """Saturdays, Sundays (art. 30.2) and the declared holidays are non-working days."""

    loader: Callable[[int], YearHolidays]
    _years: dict[int, YearHolidays] = field(default_factory=dict, repr=False)

    @classmethod
    def from_dates(
        cls,
        holidays: Iterable[date],
        *,
        unverified: Iterable[date] = (),
        years: Iterable[int] | None = None,
    ) -> WorkingCalendar:
        """A calendar from a list of holidays; ``years`` lists the years it covers
        (by default, the years of the holidays given)."""
        by_year: dict[int, set[date]] = {}
        for day in holidays:
            by_year.setdefault(day.year, set()).add(day)
        unverified_set = frozenset(unverified)
        covered = set(by_year) if years is None else set(years)

        def load(year: int) -> YearHolidays:
            days = frozenset(by_year.get(year, ()))
            return YearHolidays(
                year=year,
                holidays=days,
                unverified=frozenset(d for d in unverified_set if d.year == year),
                published=year in covered,
            )

        return cls(loader=load)

    def year(self, year: int) -> YearHolidays:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self.loader(year)
        return found

    def is_holiday(self, day: date) -> bool:
        return day in self.year(day.year).holidays

    def is_working_day(self, day: date) -> bool:
        """TIME-2: a día hábil is a weekday that is not a declared holiday."""
        return day.weekday() < 5 and day not in self.year(day.year).holidays

    def is_unverified(self, day: date) -> bool:
        return day in self.year(day.year).unverified

    def is_published(self, year: int) -> bool:
        return self.year(year).published

    def working_day_on_or_after(self, day: date) -> date:
        for _ in range(_MAX_CONSECUTIVE_NON_WORKING):
            if self.is_working_day(day):
                return day
            day += ONE_DAY
        raise ValueError(f"No working day within a year after {day.isoformat()}.")

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day`` (art. 30.5, 31.2.b)."""
        return self.working_day_on_or_after(day + ONE_DAY)

    def unverified_between(self, first: date, last: date) -> tuple[date, ...]:
        """The unconfirmed holidays in ``[first, last]``, in order."""
        found: list[date] = []
        for year in range(first.year, last.year + 1):
            found.extend(d for d in self.year(year).unverified if first <= d <= last)
        return tuple(sorted(found))

    def unpublished_years(self, first: date, last: date) -> tuple[int, ...]:
        return tuple(y for y in range(first.year, last.year + 1) if not self.is_published(y))
