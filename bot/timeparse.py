"""Reading a promise's `<when>`: `17:00`, `in 30m`, `in 2h`, `in 1d`, or an ISO date-time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime

from bot import i18n
from bot.errors import CommandError
from bot.i18n import _

WHEN_FORMS = "`17:00` (next such time), `in 30m` / `in 2h` / `in 1d`, or `2026-11-23T17:00`"


def when_forms() -> str:
    """The forms a time may take, in the reader's language."""
    return _("`17:00` (next such time), `in 30m` / `in 2h` / `in 1d`, or `2026-11-23T17:00`")
_RELATIVE = re.compile(r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?)$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_when(words: list[str], now: datetime, tz: str | None) -> tuple[datetime, int]:
    """Return (due time in UTC, how many words it used). Raises CommandError when unreadable."""
    if not words:
        raise CommandError(_("say when: {forms}").format(forms=when_forms()))
    first = words[0].lower()
    if first == "in" and len(words) >= 2:
        joined, used = words[1].lower(), 2
        if len(words) >= 3 and words[1].isdigit():
            candidate = f"{words[1]}{words[2].lower()}"
            if _RELATIVE.match(candidate):
                joined, used = candidate, 3
        m = _RELATIVE.match(joined)
        if not m:
            raise CommandError(_("can't read `in {words}` as a time: use {forms}").format(
                words=words[1], forms=when_forms()))
        amount, unit = int(m.group(1)), m.group(2)[0]
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount),
                 "d": timedelta(days=amount)}[unit]
        return now + delta, used
    local = zone(tz)
    m = _CLOCK.match(first)
    if m:
        here = now.astimezone(local)
        due = here.replace(hour=int(m.group(1)), minute=int(m.group(2)), second=0, microsecond=0)
        if due <= here:
            due += timedelta(days=1)
        return due.astimezone(UTC), 1
    try:
        when = datetime.fromisoformat(words[0].replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(_("can't read `{words}` as a time: use {forms}").format(
            words=words[0], forms=when_forms())) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=local)
    if when <= now:
        raise CommandError(_("{when} is in the past: a promise needs a time still to come")
                           .format(when=words[0]))
    return when.astimezone(UTC), 1


def local_text(when_utc: datetime, tz: str | None) -> str:
    local = when_utc.astimezone(zone(tz))
    # Day and month names in the reader's language ("Mon 07 Dec", "Mo. 07 Dez.").
    return format_datetime(local, "EEE dd MMM HH:mm ", locale=i18n.current()) + (tz or "UTC")


def due_text(due: str, customer_tz: str | None) -> str:
    """A promise's due time as the brief, `status` and reminders show it: the stored UTC
    time, and first the customer's own when their zone is known (`set customer_tz`)."""
    if not customer_tz:
        return due
    return f"{local_text(datetime.fromisoformat(due), customer_tz)} ({due})"
