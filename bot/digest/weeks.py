"""ISO weeks in a time zone: the digest's windows.

A week runs from Monday 00:00 to the next Monday 00:00 *local* time, so a week with a
daylight-saving change lasts 167 or 169 hours; its bounds are kept in UTC because the
store keeps every time in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain import iso
from bot.i18n import _

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
WEEK_FORM = "YYYY-Www, e.g. 2026-W46"


def week_form() -> str:
    """How a week is written, in the reader's language."""
    return _("YYYY-Www, e.g. 2026-W46")


class BadInput(ValueError):
    """A week or time zone the user typed that cannot be read. `str()` is one line."""


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(_("unknown time zone {name}: use an IANA name such as Europe/Berlin or "
                         "UTC").format(name=repr(name))) from None


@dataclass(frozen=True)
class Week:
    year: int
    number: int
    tz: str

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def day_start(self, offset: int) -> datetime:
        """Local midnight `offset` days after this week's Monday, in UTC."""
        local = datetime.combine(self.monday + timedelta(days=offset), time(0),
                                 tzinfo=ZoneInfo(self.tz))
        return local.astimezone(UTC)

    @property
    def start(self) -> datetime:
        return self.day_start(0)

    @property
    def end(self) -> datetime:
        return self.day_start(7)

    def day_bounds(self) -> list[str]:
        """The eight ISO UTC instants that cut the week into its seven local days."""
        return [iso(self.day_start(i)) for i in range(8)]

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def previous(self) -> Week:
        return week_of(self.monday - timedelta(days=7), self.tz)

    def next(self) -> Week:
        return week_of(self.monday + timedelta(days=7), self.tz)


def week_of(day: date, tz: str) -> Week:
    y, w, _ = day.isocalendar()
    return Week(y, w, tz)


def parse_week(text: str, tz: str) -> Week:
    parse_zone(tz)
    m = _WEEK.match(text.strip())
    if not m:
        raise BadInput(_("{text} is not an ISO week: use {form}").format(text=repr(text),
                                                                          form=week_form()))
    year, number = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise BadInput(_("{year} has no week {number}: use {form}").format(
            year=year, number=number, form=week_form())) from None
    return Week(year, number, tz)


def week_containing(moment: datetime, tz: str) -> Week:
    return week_of(moment.astimezone(parse_zone(tz)).date(), tz)


def last_complete_week(now: datetime, tz: str) -> Week:
    """The week before the one `now` falls in, local time."""
    return week_containing(now, tz).previous()
