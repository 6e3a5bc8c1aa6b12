"""The published calendar from the database: the default of every term function (TIME-7),
its per-year cache and the cache's invalidation when staff edit a day."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from calendario.constants import Ambito
from calendario.days import MADRID
from calendario.models import DiaInhabil
from calendario.selectors import holidays_for_year, working_calendar
from calendario.terms import add_term, effective_instant, is_working_day, next_working_day


def add_day(day: date, **extra) -> DiaInhabil:
    values = {"name_es": "Fiesta", "scope": Ambito.BILBAO, "source": "BOB", **extra}
    return DiaInhabil.objects.create(date=day, **values)


@pytest.mark.django_db
def test_time7_the_terms_use_the_published_calendar_by_default(calendar_2026):
    assert is_working_day(date(2026, 4, 6)) is False
    assert next_working_day(date(2026, 4, 1)) == date(2026, 4, 7)
    assert add_term(date(2026, 3, 31), 3, "working_days").end_date == date(2026, 4, 8)
    saturday = datetime(2026, 3, 7, 18, 0, tzinfo=MADRID)
    assert effective_instant(saturday).effective_at == datetime(2026, 3, 9, tzinfo=MADRID)


@pytest.mark.django_db(transaction=True)
def test_the_year_is_cached_after_the_first_read(calendar_2026):
    holidays_for_year(2026)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert date(2026, 12, 25) in holidays_for_year(2026).holidays
            assert add_term(date(2026, 12, 11), 14, "natural_days").end_date == date(2026, 12, 28)
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_never_stays_in_the_cache():
    """Reads inside the transaction that changed the calendar see the change, but what
    they read is not shared until it is committed."""
    monday = date(2026, 3, 9)
    assert is_working_day(monday) is True
    with pytest.raises(RuntimeError), transaction.atomic():
        add_day(monday)
        assert is_working_day(monday) is False
        raise RuntimeError("rolled back")
    assert is_working_day(monday) is True
    with transaction.atomic():
        add_day(monday)
    with CaptureQueriesContext(connection) as queries:
        assert is_working_day(monday) is False
        assert is_working_day(monday) is False
    assert len(queries) == 1


@pytest.mark.django_db
def test_time7_a_day_added_in_the_admin_applies_at_once():
    monday = date(2026, 3, 9)
    assert is_working_day(monday) is True  # read, and cached
    add_day(monday)
    assert is_working_day(monday) is False


@pytest.mark.django_db
def test_time7_a_deleted_or_moved_day_applies_at_once():
    old, new = date(2026, 12, 31), date(2027, 1, 4)
    dia = add_day(old)
    assert is_working_day(old) is False and is_working_day(new) is True
    dia.date = new
    dia.save()
    assert is_working_day(old) is True and is_working_day(new) is False
    dia.delete()
    assert is_working_day(new) is True


@pytest.mark.django_db
def test_an_unconfirmed_day_counts_as_non_working_by_default(calendar_2026):
    assert is_working_day(date(2026, 8, 21)) is False
    plazo = add_term(date(2026, 8, 20), 1, "working_days")
    assert plazo.end_date == date(2026, 8, 24)
    assert plazo.unverified_days == (date(2026, 8, 21),)


@pytest.mark.django_db
def test_the_setting_can_make_unconfirmed_days_working_days(calendar_2026, settings):
    settings.CALENDARIO_UNVERIFIED_NON_WORKING = False
    assert is_working_day(date(2026, 8, 21)) is True
    assert add_term(date(2026, 8, 20), 1, "working_days").end_date == date(2026, 8, 21)
    settings.CALENDARIO_UNVERIFIED_NON_WORKING = True
    assert is_working_day(date(2026, 8, 21)) is False


@pytest.mark.django_db
def test_a_year_without_holidays_is_reported_as_unpublished(calendar_2026):
    calendar = working_calendar()
    assert calendar.is_published(2026) is True
    assert calendar.is_published(2027) is False
    assert add_term(date(2026, 12, 18), 10, "working_days").unpublished_years == (2027,)
