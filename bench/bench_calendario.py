"""Benchmark of the term engine: add_term (10 working days) against the bare loop.

The baseline is the same arithmetic written inline (a set of holidays, a day-by-day loop),
measured in the same run; the ratio shows what the engine's abstractions cost.
Run: DEBUG=true .venv/bin/python bench/bench_calendario.py
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.test")

import django  # noqa: E402

django.setup()

from calendario.days import MADRID, WorkingCalendar  # noqa: E402
from calendario.demo import BUNDLED_CSV  # noqa: E402
from calendario.importing import parse_holidays_csv  # noqa: E402
from calendario.terms import add_term, effective_instant  # noqa: E402

N = 20_000
STARTS = [date(2026, 1, 1) + timedelta(days=i % 330) for i in range(N)]


def bare(holidays: frozenset[date]) -> float:
    began = time.perf_counter()
    for start in STARTS:
        day, counted = start, 0
        while counted < 10:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in holidays:
                counted += 1
    return N / (time.perf_counter() - began)


def engine(calendar: WorkingCalendar) -> float:
    began = time.perf_counter()
    for start in STARTS:
        add_term(start, 10, "working_days", calendar=calendar)
    return N / (time.perf_counter() - began)


def effective(calendar: WorkingCalendar) -> float:
    instants = [datetime(2026, 3, 1, tzinfo=MADRID) + timedelta(minutes=37 * i) for i in range(N)]
    began = time.perf_counter()
    for instant in instants:
        effective_instant(instant, calendar=calendar)
    return N / (time.perf_counter() - began)


def main() -> None:
    with open(BUNDLED_CSV, encoding="utf-8") as stream:
        days = [row.date for row in parse_holidays_csv(stream).rows]
    calendar = WorkingCalendar.from_dates(days, years=[2026, 2027])
    baseline = bare(frozenset(days))
    terms = engine(calendar)
    instants = effective(calendar)
    print(f"baseline (bare loop, 10 working days): {baseline:,.0f}/s")
    print(f"add_term(10 working days):             {terms:,.0f}/s")
    print(f"effective_instant (REG-2):             {instants:,.0f}/s")
    ratio = terms / baseline
    print(f"RESULT calendario_add_term value={terms:.0f} baseline={baseline:.0f} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
