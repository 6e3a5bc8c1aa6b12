"""Fixtures of the calendar tests: the 2026 calendar, as a plain value and in the database."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from calendario.days import WorkingCalendar
from calendario.demo import BUNDLED_CSV
from calendario.importing import parse_holidays_csv
from calendario.services import dia_inhabil_import_file


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The holiday sets live in the cache; the database rolls back between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def cal2026() -> WorkingCalendar:
    """The shipped 2026 calendar, with no database; 2026 is its only published year."""
    with open(BUNDLED_CSV, encoding="utf-8") as stream:
        rows = parse_holidays_csv(stream).rows
    return WorkingCalendar.from_dates(
        [r.date for r in rows], unverified=[r.date for r in rows if not r.verified]
    )


@pytest.fixture
def calendar_2026(db):
    """The shipped 2026 calendar loaded into the database."""
    return dia_inhabil_import_file(path=BUNDLED_CSV)
