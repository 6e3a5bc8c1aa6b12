"""The term engine, rule by rule (Ley 39/2015 art. 30, 31.2.b, 32.1), on the 2026 calendar.

Each table row is one case a lawyer can check by hand against the 2026 calendar: Saturdays
and Sundays, plus 1 and 6 Jan, 19 Mar, 2-3-6 Apr (Semana Santa), 1 May, 25 Jul, 31 Jul,
15 Aug, 21 Aug (Bilbao, unconfirmed), 12 Oct, 1 Nov, 8 Dec, 25 Dec.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from calendario.days import MADRID, WorkingCalendar
from calendario.terms import (
    ExtensionError,
    add_term,
    effective_instant,
    extend_term,
    is_in_time,
    is_working_day,
    max_extension,
    next_working_day,
)

D = date.fromisoformat


def at(text: str) -> datetime:
    """An instant written in Madrid wall-clock time ("2026-03-02 10:15")."""
    return datetime.fromisoformat(text).replace(tzinfo=MADRID)


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        ("2026-03-02", True, "an ordinary Monday"),
        ("2026-03-07", False, "Saturday (TIME-2)"),
        ("2026-03-08", False, "Sunday (TIME-2)"),
        ("2026-01-01", False, "Año Nuevo, state"),
        ("2026-03-19", False, "San José, Euskadi"),
        ("2026-04-02", False, "Jueves Santo, Euskadi"),
        ("2026-04-03", False, "Viernes Santo, state"),
        ("2026-04-06", False, "Lunes de Pascua, Euskadi"),
        ("2026-04-07", True, "the Tuesday after Easter"),
        ("2026-07-31", False, "San Ignacio, Bizkaia"),
        ("2026-08-21", False, "Bilbao's local day, unconfirmed but published"),
        ("2026-12-24", True, "Christmas Eve is a working day"),
    ],
)
def test_time2_working_days_of_2026(cal2026, day, working, why):
    assert is_working_day(D(day), calendar=cal2026) is working, why


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-03-06", "2026-03-09"),  # Friday → Monday
        ("2026-03-09", "2026-03-10"),  # strictly after, even from a working day
        ("2026-04-01", "2026-04-07"),  # over Semana Santa
        ("2026-12-24", "2026-12-28"),  # over Christmas and the weekend
    ],
)
def test_next_working_day_time3(cal2026, day, expected):
    assert next_working_day(D(day), calendar=cal2026) == D(expected)


@pytest.mark.parametrize(
    ("notified", "amount", "end", "case"),
    [
        ("2026-03-02", 5, "2026-03-09", "TIME-2: Tue..Fri + Mon, the weekend skipped"),
        ("2026-03-06", 1, "2026-03-09", "TIME-2: notified Friday, day 1 is Monday"),
        ("2026-03-07", 1, "2026-03-09", "TIME-2: notified Saturday, count from the day after"),
        ("2026-03-18", 1, "2026-03-20", "TIME-2: San José skipped"),
        ("2026-03-31", 3, "2026-04-08", "TIME-2: Semana Santa 2, 3, 6 Apr skipped"),
        ("2026-04-01", 1, "2026-04-07", "TIME-2: from Wednesday before Easter"),
        ("2026-07-30", 1, "2026-08-03", "TIME-2: San Ignacio (Bizkaia) skipped"),
        ("2026-03-02", 10, "2026-03-16", "TIME-2: ten working days, two weekends"),
        ("2026-12-04", 3, "2026-12-10", "TIME-2: Inmaculada (Tue 8 Dec) skipped"),
    ],
)
def test_time2_working_days_start_the_day_after_and_skip_non_working_days(
    cal2026, notified, amount, end, case
):
    plazo = add_term(D(notified), amount, "working_days", calendar=cal2026)
    assert plazo.end_date == D(end), case
    day_after = D(notified) + timedelta(days=1)
    assert plazo.count_from == at(f"{day_after.isoformat()} 00:00")
    assert plazo.end == datetime.combine(D(end), datetime.max.time(), tzinfo=MADRID)


@pytest.mark.parametrize(
    ("notified", "amount", "nominal", "end", "case"),
    [
        ("2026-03-02", 10, "2026-03-12", "2026-03-12", "last day working: unchanged"),
        ("2026-03-02", 5, "2026-03-07", "2026-03-09", "TIME-3: ends Saturday → Monday"),
        ("2026-03-23", 10, "2026-04-02", "2026-04-07", "TIME-3: Jueves Santo → Tue 7 Apr"),
        ("2026-12-11", 14, "2026-12-25", "2026-12-28", "TIME-3: Christmas → Monday"),
        ("2026-03-31", 3, "2026-04-03", "2026-04-07", "natural days count holidays"),
    ],
)
def test_time3_natural_days_count_every_day_but_never_end_on_a_non_working_day(
    cal2026, notified, amount, nominal, end, case
):
    plazo = add_term(D(notified), amount, "natural_days", calendar=cal2026)
    assert plazo.nominal_end_date == D(nominal), case
    assert plazo.end_date == D(end), case
    assert plazo.moved_to_next_working_day is (nominal != end)


# A calendar that publishes 2025-2029 with only the 2026 holidays: enough for month ends.
@pytest.fixture(scope="module")
def cal_years(cal2026) -> WorkingCalendar:
    return WorkingCalendar.from_dates(
        cal2026.year(2026).holidays,
        unverified=cal2026.year(2026).unverified,
        years=range(2024, 2030),
    )


@pytest.mark.parametrize(
    ("notified", "amount", "unit", "nominal", "end", "case"),
    [
        ("2025-01-31", 1, "months", "2025-02-28", "2025-02-28", "TIME-4: 31 Jan → 28 Feb"),
        ("2028-01-31", 1, "months", "2028-02-29", "2028-02-29", "TIME-4: leap year → 29 Feb"),
        ("2026-01-31", 1, "months", "2026-02-28", "2026-03-02", "TIME-4 then TIME-3 (Sat)"),
        ("2026-01-30", 1, "months", "2026-02-28", "2026-03-02", "30 Jan → last of Feb"),
        ("2026-03-15", 1, "months", "2026-04-15", "2026-04-15", "same day-number"),
        ("2026-03-31", 1, "months", "2026-04-30", "2026-04-30", "31 Mar → 30 Apr"),
        ("2026-08-31", 3, "months", "2026-11-30", "2026-11-30", "31 Aug + 3 → 30 Nov"),
        ("2026-10-31", 2, "months", "2026-12-31", "2026-12-31", "month end kept"),
        ("2026-11-30", 3, "months", "2027-02-28", "2027-03-01", "into next year, Sunday"),
        ("2026-03-06", 1, "months", "2026-04-06", "2026-04-07", "Lunes de Pascua → Tue"),
        ("2026-05-11", 1, "years", "2027-05-11", "2027-05-11", "one year, same day"),
        ("2028-02-29", 1, "years", "2029-02-28", "2029-02-28", "29 Feb + 1 year → 28 Feb"),
        ("2024-02-29", 2, "years", "2026-02-28", "2026-03-02", "then Saturday → Monday"),
        ("2025-12-08", 1, "years", "2026-12-08", "2026-12-09", "ends on Inmaculada"),
    ],
)
def test_time4_months_and_years_end_on_the_same_day_number_or_the_last_of_the_month(
    cal_years, notified, amount, unit, nominal, end, case
):
    plazo = add_term(D(notified), amount, unit, calendar=cal_years)
    assert plazo.nominal_end_date == D(nominal), case
    assert plazo.end_date == D(end), case


@pytest.mark.parametrize(
    ("notified", "hours", "end", "case"),
    [
        ("2026-03-02 10:15", 24, "2026-03-03 10:15", "TIME-5: 24 h on working days"),
        ("2026-03-02 10:15", 2, "2026-03-02 12:15", "TIME-5: minute to minute"),
        ("2026-03-06 10:00", 24, "2026-03-09 10:00", "weekend hours are not hábiles"),
        ("2026-03-07 17:30", 2, "2026-03-09 02:00", "notified Saturday: from Monday 00:00"),
        ("2026-04-01 20:00", 24, "2026-04-07 20:00", "4 h on Wed, then Semana Santa skipped"),
        ("2026-03-06 00:00", 24, "2026-03-06 23:59:59.999999", "ends at 24:00 of Friday"),
        ("2026-03-27 10:00", 24, "2026-03-30 10:00", "over the DST change (Sun 29 Mar)"),
        ("2026-03-29 01:30", 3, "2026-03-30 03:00", "notified on the DST Sunday"),
        ("2026-10-23 12:00", 24, "2026-10-26 12:00", "over the DST end (Sun 25 Oct)"),
    ],
)
def test_time5_hours_are_working_hours_counted_minute_to_minute(
    cal2026, notified, hours, end, case
):
    plazo = add_term(at(notified), hours, "hours", calendar=cal2026)
    assert plazo.end == at(end), case
    assert plazo.end.utcoffset() == at(end).utcoffset()


def test_time5_seconds_of_the_notification_are_dropped(cal2026):
    plazo = add_term(at("2026-03-02 10:15:42"), 1, "hours", calendar=cal2026)
    assert plazo.end == at("2026-03-02 11:15")


def test_time5_dst_offsets_are_real_ones(cal2026):
    """Hours are real elapsed time: the end instant carries the summer-time offset."""
    plazo = add_term(at("2026-03-27 10:00"), 24, "hours", calendar=cal2026)
    assert plazo.end.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": at("2026-03-02 10:00"), "amount": 25, "unit": "hours"}, "24 hours"),
        ({"start": D("2026-03-02"), "amount": 2, "unit": "hours"}, "hour and minute"),
        ({"start": D("2026-03-02"), "amount": 0, "unit": "working_days"}, "positive"),
        ({"start": datetime(2026, 3, 2, 10), "amount": 1, "unit": "working_days"}, "naive"),
        ({"start": D("2026-03-02"), "amount": 1, "unit": "fortnights"}, "fortnights"),
    ],
)
def test_add_term_refuses_what_the_law_does_not_allow(cal2026, kwargs, message):
    with pytest.raises(ValueError, match=message):
        add_term(**kwargs, calendar=cal2026)


@pytest.mark.parametrize(
    ("notified", "end", "case"),
    [
        # 23:30 UTC on Monday is already Tuesday 00:30 in Madrid: count from Wednesday.
        (datetime(2026, 3, 2, 23, 30, tzinfo=UTC), "2026-03-04", "UTC converted to Madrid"),
        (at("2026-03-02 23:59"), "2026-03-03", "late on Monday is still Monday"),
    ],
)
def test_time2_the_notification_day_is_the_madrid_date(cal2026, notified, end, case):
    assert add_term(notified, 1, "working_days", calendar=cal2026).end_date == D(end), case


@pytest.mark.parametrize(
    ("notified", "end_day", "offset_hours"),
    [
        ("2026-03-26", "2026-03-27", 1),  # winter time
        ("2026-03-27", "2026-03-30", 2),  # summer time began on Sunday 29 Mar
        ("2026-10-23", "2026-10-26", 1),  # winter time again from Sunday 25 Oct
    ],
)
def test_day_terms_end_at_the_last_instant_of_the_day_in_madrid(
    cal2026, notified, end_day, offset_hours
):
    plazo = add_term(D(notified), 1, "working_days", calendar=cal2026)
    assert plazo.end == at(end_day + " 23:59:59.999999")
    assert plazo.end.utcoffset().total_seconds() == offset_hours * 3600


def test_unconfirmed_days_and_unpublished_years_are_reported(cal2026):
    """The Bilbao day (21 Aug) is applied but flagged; 2027 has no published calendar."""
    bilbao = add_term(D("2026-08-20"), 1, "working_days", calendar=cal2026)
    assert bilbao.end_date == D("2026-08-24")
    assert bilbao.unverified_days == (D("2026-08-21"),)
    assert bilbao.unpublished_years == ()
    new_year = add_term(D("2026-12-18"), 10, "working_days", calendar=cal2026)
    assert new_year.unpublished_years == (2027,)
    assert new_year.unverified_days == ()


@pytest.mark.parametrize(
    ("presented", "effective", "case"),
    [
        ("2026-03-07 18:00", "2026-03-09 00:00", "REG-2: Saturday → Monday 00:00"),
        ("2026-03-08 23:59", "2026-03-09 00:00", "REG-2: Sunday night → Monday 00:00"),
        ("2026-04-02 09:00", "2026-04-07 00:00", "REG-2: Jueves Santo → Tue 7 Apr"),
        ("2026-08-21 12:00", "2026-08-24 00:00", "REG-2: Bilbao's day (published)"),
        ("2026-03-09 10:00", "2026-03-09 10:00", "REG-2: a working day counts as is"),
        ("2026-12-31 23:59", "2026-12-31 23:59", "REG-2: late on a working day"),
    ],
)
def test_reg2_presentation_on_a_non_working_day_counts_from_00_00_of_the_next_working_day(
    cal2026, presented, effective, case
):
    instant = effective_instant(at(presented), calendar=cal2026)
    assert instant.presented_at == at(presented), case
    assert instant.effective_at == at(effective), case
    assert instant.moved is (presented != effective)


@pytest.mark.parametrize(
    ("presented_utc", "effective_utc", "case"),
    [
        # Sun 29 Mar 2026, 01:30 CET: Monday 00:00 is already summer time (+02:00).
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 22, 0, tzinfo=UTC), "DST"),
        # Sun 25 Oct 2026: 02:30 happens twice; Monday 00:00 is winter time (+01:00).
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, tzinfo=UTC), "1"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, tzinfo=UTC), "2"),
    ],
)
def test_reg2_effective_instant_on_daylight_saving_days(
    cal2026, presented_utc, effective_utc, case
):
    instant = effective_instant(presented_utc, calendar=cal2026)
    assert instant.effective_at.astimezone(UTC) == effective_utc, case
    # Compared in UTC: an instant of the repeated hour never equals one of another zone.
    assert instant.presented_at.astimezone(UTC) == presented_utc


def test_reg2_real_time_order_is_kept_and_precedes_the_next_working_day(cal2026):
    """Filings of the weekend keep their order and go before Monday's, even one at 00:00."""
    filings = {
        "friday": at("2026-03-06 22:00"),
        "monday_0800": at("2026-03-09 08:00"),
        "sunday": at("2026-03-08 23:59:59"),
        "monday_midnight": at("2026-03-09 00:00"),
        "saturday_10": at("2026-03-07 10:00"),
        "saturday_09": at("2026-03-07 09:00"),
        # DST end: the first 02:30 (summer) came before the second (winter).
        "second_0230": datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        "first_0230": datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    }
    ordered = sorted(
        filings, key=lambda k: effective_instant(filings[k], calendar=cal2026).ordering_key
    )
    assert ordered == [
        "friday",
        "saturday_09",
        "saturday_10",
        "sunday",
        "monday_midnight",
        "monday_0800",
        "first_0230",
        "second_0230",
    ]


@pytest.mark.parametrize(("amount", "maximum"), [(10, 5), (15, 7), (1, 0), (3, 1), (24, 12)])
def test_time8_an_extension_never_exceeds_half(amount, maximum):
    assert max_extension(amount) == maximum


@pytest.mark.parametrize(
    ("notified", "amount", "unit", "extension", "end", "case"),
    [
        ("2026-03-02", 10, "working_days", 5, "2026-03-24", "TIME-8: 10 + 5, San José"),
        ("2026-03-02", 10, "natural_days", 5, "2026-03-17", "TIME-8: 10 + 5 natural days"),
        ("2026-01-15", 2, "months", 1, "2026-04-15", "TIME-8: 2 + 1 months"),
    ],
)
def test_time8_the_extension_is_added_to_the_same_term(
    cal2026, notified, amount, unit, extension, end, case
):
    plazo = add_term(D(notified), amount, unit, calendar=cal2026)
    extended = extend_term(plazo, extension, calendar=cal2026)
    assert extended.end_date == D(end), case
    assert (extended.amount, extended.extended_by) == (amount, extension)


def test_time8_hours_may_be_extended_beyond_24(cal2026):
    plazo = add_term(at("2026-03-02 10:00"), 24, "hours", calendar=cal2026)
    assert extend_term(plazo, 12, calendar=cal2026).end == at("2026-03-03 22:00")


@pytest.mark.parametrize(
    ("extension", "decided_at", "message"),
    [
        (6, None, "half"),
        (5, at("2026-03-17 00:00"), "already ended"),
    ],
)
def test_time8_extensions_the_law_forbids_are_refused(cal2026, extension, decided_at, message):
    plazo = add_term(D("2026-03-02"), 10, "working_days", calendar=cal2026)  # ends 16 Mar
    with pytest.raises(ExtensionError, match=message):
        extend_term(plazo, extension, decided_at=decided_at, calendar=cal2026)


def test_time8_an_extension_decided_on_the_last_day_is_allowed(cal2026):
    plazo = add_term(D("2026-03-02"), 10, "working_days", calendar=cal2026)
    extended = extend_term(plazo, 5, decided_at=at("2026-03-16 23:00"), calendar=cal2026)
    assert extended.end_date == D("2026-03-24")


@pytest.mark.parametrize(
    ("presented", "in_time", "case"),
    [
        ("2026-03-16 23:59:59", True, "last second of the last day"),
        ("2026-03-17 00:00", False, "the next day is late"),
        ("2026-03-14 11:00", True, "a Saturday before the end (REG-2: counts Monday 00:00)"),
    ],
)
def test_time2_a_presentation_is_in_time_until_the_last_instant(cal2026, presented, in_time, case):
    plazo = add_term(D("2026-03-02"), 10, "working_days", calendar=cal2026)  # ends Mon 16 Mar
    assert is_in_time(plazo, at(presented)) is in_time, case


def test_time3_a_presentation_on_the_weekend_after_a_friday_deadline_is_late(cal2026):
    plazo = add_term(D("2026-03-02"), 4, "natural_days", calendar=cal2026)  # Fri 6 Mar
    assert is_in_time(plazo, at("2026-03-06 23:00")) is True
    assert is_in_time(plazo, at("2026-03-07 10:00")) is False
    assert effective_instant(at("2026-03-07 10:00"), calendar=cal2026).effective_at > plazo.end


@pytest.mark.parametrize(
    ("unit", "flagged"),
    [("natural_days", True), ("working_days", False), ("months", False), ("years", False)],
)
def test_time6_natural_day_terms_are_flagged_for_the_notification(cal2026, unit, flagged):
    plazo = add_term(D("2026-03-02"), 1, unit, calendar=cal2026)
    assert plazo.natural_days_notice_required is flagged
