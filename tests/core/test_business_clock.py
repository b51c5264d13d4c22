"""The SLA's business-hours clock (bot/business_clock.py): outside hours the clock waits;
weekends, holidays and daylight saving time are the office's, not UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.business_clock import BusinessHours, add, clock_time, elapsed, is_open

BERLIN = BusinessHours("Europe/Berlin")  # Monday to Friday 09:00-17:00
H = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_inside_hours_it_is_the_calendar() -> None:
    # Monday 16 Nov 2026 10:00 Berlin (CET, UTC+1) is 09:00Z
    assert add(utc(2026, 11, 16, 9), H, BERLIN) == utc(2026, 11, 16, 10)


def test_before_opening_the_clock_waits_for_it() -> None:
    # 06:00 Berlin: the hour starts at 09:00 Berlin (08:00Z)
    assert add(utc(2026, 11, 16, 5), H, BERLIN) == utc(2026, 11, 16, 9)


def test_an_hour_asked_at_half_past_four_on_friday_is_due_monday() -> None:
    friday = utc(2026, 11, 20, 15, 30)  # 16:30 Berlin
    assert add(friday, H, BERLIN) == utc(2026, 11, 23, 8, 30)  # Monday 09:30 Berlin
    assert elapsed(friday, utc(2026, 11, 23, 8, 30), BERLIN) == H


def test_weekends_are_skipped_whole() -> None:
    saturday = utc(2026, 11, 21, 12)
    assert add(saturday, 2 * H, BERLIN) == utc(2026, 11, 23, 10)  # Monday 11:00 Berlin
    assert elapsed(saturday, utc(2026, 11, 22, 23), BERLIN) == timedelta(0)
    assert not is_open(saturday, BERLIN)
    assert is_open(utc(2026, 11, 23, 8), BERLIN) and not is_open(utc(2026, 11, 23, 16), BERLIN)


def test_holidays_are_closed() -> None:
    xmas = BusinessHours("Europe/Berlin", holidays=frozenset({date(2026, 12, 24),
                                                                  date(2026, 12, 25)}))
    # Wednesday 23 Dec 16:30 Berlin + 1h: 30 min that day, then Monday 28th (24, 25 holidays,
    # 26-27 a weekend) 09:30
    assert add(utc(2026, 12, 23, 15, 30), H, xmas) == utc(2026, 12, 28, 8, 30)
    assert add(utc(2026, 12, 23, 15, 30), H, BERLIN) == utc(2026, 12, 24, 8, 30)


def test_days_spanning_several_business_days() -> None:
    # 20 business hours from Monday 09:00 Berlin: Monday 8, Tuesday 8, Wednesday 13:00
    assert add(utc(2026, 11, 16, 8), 20 * H, BERLIN) == utc(2026, 11, 18, 12)
    assert elapsed(utc(2026, 11, 16, 8), utc(2026, 11, 18, 12), BERLIN) == 20 * H


def test_daylight_saving_keeps_the_office_hours() -> None:
    # Europe/Berlin goes to CEST on Sunday 29 March 2026: Friday 27th opens 08:00Z, Monday
    # 30th opens at 09:00 CEST = 07:00Z.
    friday = utc(2026, 3, 27, 15, 30)  # 16:30 CET
    assert add(friday, H, BERLIN) == utc(2026, 3, 30, 7, 30)
    # And back to CET on Sunday 25 October 2026.
    assert add(utc(2026, 10, 23, 14, 30), H, BERLIN) == utc(2026, 10, 26, 8, 30)


def test_a_whole_day_on_a_dst_day_has_23_hours() -> None:
    always = BusinessHours("Europe/Berlin", days=frozenset(range(7)), opens=time(0),
                           closes=None)
    start = utc(2026, 3, 28, 23)  # Sunday 29 March 00:00 CET
    assert elapsed(start, utc(2026, 3, 29, 22), always) == 23 * H  # 00:00..24:00 CEST
    assert add(start, 24 * H, always) == utc(2026, 3, 29, 23)


def test_new_york_and_sydney() -> None:
    ny = BusinessHours("America/New_York")
    # Friday 20 Nov 2026 16:30 EST (21:30Z) + 1h: Monday 09:30 EST (14:30Z)
    assert add(utc(2026, 11, 20, 21, 30), H, ny) == utc(2026, 11, 23, 14, 30)
    sydney = BusinessHours("Australia/Sydney")
    # Monday 16 Nov 2026 08:00Z is 19:00 AEDT: Tuesday 09:00 AEDT (22:00Z Monday) + 1h
    assert add(utc(2026, 11, 16, 8), H, sydney) == utc(2026, 11, 16, 23)


def test_no_hours_is_24x7_and_a_closed_calendar_is_never() -> None:
    assert add(utc(2026, 11, 21, 12), H, None) == utc(2026, 11, 21, 13)
    assert elapsed(utc(2026, 11, 21, 12), utc(2026, 11, 21, 14), None) == 2 * H
    never = BusinessHours("UTC", days=frozenset())
    assert add(utc(2026, 11, 16, 9), H, never) is None


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("17:30", time(17, 30)),
                                                ("24:00", None)])
def test_clock_times(text: str, expected: time | None) -> None:
    assert clock_time(text) == expected


@pytest.mark.parametrize("text", ["9", "9:0", "25:00", "ab:cd", "17-00"])
def test_bad_clock_times(text: str) -> None:
    with pytest.raises(ValueError):
        clock_time(text)
