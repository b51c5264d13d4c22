"""ISO weeks in a zone: bounds across DST changes, and bad input told in one line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.digest.weeks import BadInput, last_complete_week, parse_week, week_containing


def test_a_plain_week_is_168_hours_from_local_monday_midnight() -> None:
    w = parse_week("2026-W46", "Europe/Berlin")
    assert w.start == datetime(2026, 11, 8, 23, 0, tzinfo=UTC)
    assert (w.end - w.start).total_seconds() == 168 * 3600
    assert w.previous().label == "2026-W45" and w.next().label == "2026-W47"


def test_berlin_last_week_of_october_has_169_hours() -> None:
    w = parse_week("2026-W43", "Europe/Berlin")
    assert w.start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # Mon 00:00 CEST
    assert w.end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # Mon 00:00 CET
    bounds = w.day_bounds()
    assert bounds[6:] == ["2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"]  # a 25-hour Sunday


def test_new_york_weeks_around_the_november_change() -> None:
    w44 = parse_week("2026-W44", "America/New_York")
    assert w44.start == datetime(2026, 10, 26, 4, 0, tzinfo=UTC)
    assert w44.end == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)
    w45 = w44.next()
    assert (w45.end - w45.start).total_seconds() == 168 * 3600
    late_sunday = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # Sun 1 Nov 23:30 EST
    assert week_containing(late_sunday, "America/New_York").label == "2026-W44"
    assert week_containing(late_sunday, "UTC").label == "2026-W45"


def test_year_boundary_and_last_complete_week() -> None:
    assert parse_week("2026-W53", "UTC").monday.isoformat() == "2026-12-28"
    now = datetime(2027, 1, 4, 3, 0, tzinfo=UTC)  # Monday of 2027-W01 in UTC
    assert last_complete_week(now, "UTC").label == "2026-W53"
    assert last_complete_week(now, "America/New_York").label == "2026-W52"  # still Sunday there


@pytest.mark.parametrize(("week", "tz", "says"), [
    ("2026-46", "UTC", "is not an ISO week: use YYYY-Www"),
    ("2025-W53", "UTC", "2025 has no week 53"),
    ("2026-W00", "UTC", "2026 has no week 0"),
    ("2026-W46", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
])
def test_bad_input_is_one_clear_line(week: str, tz: str, says: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_week(week, tz)
    assert says in str(err.value) and "\n" not in str(err.value)
