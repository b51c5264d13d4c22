"""The business-hours clock of an SLA policy (docs/sla.md): pure functions, no store.

An SLA's clock runs only inside business hours: a policy's time zone, its working weekdays,
its daily opening hours and its holidays. Outside them the clock waits: a one-hour first
response asked at 16:30 on a Friday, with hours 09:00-17:00 Monday to Friday, is due at
09:30 on Monday. Opening hours are wall-clock times of the policy's zone, so a day that
changes to or from daylight saving time is still open 09:00-17:00 by the office's clocks
(its UTC instants move); `00:00-24:00` is the whole day (23 or 25 hours on those days).
Without business hours (`None`) the clock is the calendar: 24x7.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Past this many days without a business hour, the calendar is empty (every day a holiday):
# the due time is said to be never, not searched for.
HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessHours:
    zone: str  # an IANA time zone name
    days: frozenset[int] = frozenset(range(5))  # weekday numbers, Monday 0
    opens: time = time(9, 0)
    closes: time | None = time(17, 0)  # None: midnight at the day's end (`24:00`)
    holidays: frozenset[date] = frozenset()

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open hours as UTC instants, or None when it is closed all day."""
        return _window(self, day)

    def windows(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open windows that end after `since`, in order (at most HORIZON_DAYS ahead)."""
        day = since.astimezone(ZoneInfo(self.zone)).date() - timedelta(days=1)
        for i in range(HORIZON_DAYS + 2):
            w = self.window(day + timedelta(days=i))
            if w is not None and w[1] > since:
                yield w


@lru_cache(maxsize=8192)
def _window(hours: BusinessHours, day: date) -> tuple[datetime, datetime] | None:
    # Cached: the nudge pass asks for the same few days for thousands of cases.
    if day.weekday() not in hours.days or day in hours.holidays:
        return None
    tz = ZoneInfo(hours.zone)
    start = datetime.combine(day, hours.opens, tzinfo=tz).astimezone(UTC)
    if hours.closes is None:
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    else:
        end = datetime.combine(day, hours.closes, tzinfo=tz).astimezone(UTC)
    return (start, end) if end > start else None


def add(start: datetime, span: timedelta, hours: BusinessHours | None) -> datetime | None:
    """The instant `span` of business time after `start` (None: the calendar has no more
    business hours within HORIZON_DAYS). Starting outside hours, the clock waits for the
    next opening."""
    start = start.astimezone(UTC)
    if hours is None:
        return start + span
    left = span
    for opens, closes in hours.windows(start):
        begin = max(opens, start)
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    return None


def elapsed(start: datetime, end: datetime, hours: BusinessHours | None) -> timedelta:
    """Business time between two instants (zero when `end` is not after `start`)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if hours is None:
        return end - start
    total = timedelta(0)
    for opens, closes in hours.windows(start):
        if opens >= end:
            break
        total += min(closes, end) - max(opens, start)
    return total


def is_open(at: datetime, hours: BusinessHours | None) -> bool:
    if hours is None:
        return True
    return any(opens <= at.astimezone(UTC) < closes
               for opens, closes in _first(hours.windows(at)))


def _first(it: Iterator[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    return [w for w, _ in zip(it, range(1), strict=False)]


def clock_time(text: str) -> time | None:
    """`09:00` -> 09:00; `24:00` -> None (the day's end); ValueError otherwise."""
    hh, sep, mm = text.strip().partition(":")
    if not sep or not hh.isdigit() or not mm.isdigit() or len(mm) != 2:
        raise ValueError(text)
    if (int(hh), int(mm)) == (24, 0):
        return None
    return time(int(hh), int(mm))
