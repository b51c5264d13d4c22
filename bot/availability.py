"""Who is there, as the platforms know it (issue 26): a person's presence and status (Slack:
away, "Out of office", in a huddle; Teams: Graph presence) and their working hours in their
own time zone. Pure: the edge looks statuses up (bot/presence_cache.py) before the unit of
work; the expert finder asks `absent` why someone is skipped, in a few words.

`skills away` / `skills back` still win: away is never suggested; back is suggested whatever
the platform says, for BACK_HOLDS after saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import AvailabilityConfig
from bot.i18n import _

BACK_HOLDS = timedelta(hours=12)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_OUT = re.compile(r"\b(out of (the )?office|ooo|on (vacation|holiday|leave|pto)|vacationing|"
                  r"sick|off today|annual leave)\b", re.I)
_OUT_EMOJI = {":palm_tree:", ":desert_island:", ":face_with_thermometer:", ":airplane:",
              ":beach_with_umbrella:", ":no_entry:"}
_HUDDLE = re.compile(r"\bin a huddle\b", re.I)


@dataclass(frozen=True)
class PlatformStatus:
    """What the platform says of a person now; `None` fields: it did not say."""

    away: bool = False  # Slack presence "away"; Teams Away, BeRightBack, Offline
    status_text: str = ""
    status_emoji: str = ""
    huddle: bool = False  # Slack huddle_state "in_a_huddle"
    in_call: bool = False  # Teams activity InACall, InAConferenceCall, InAMeeting, Presenting
    out_of_office: bool = False  # Teams activity OutOfOffice (Slack: read from the status)
    tz: str | None = None  # the profile's IANA zone


@dataclass(frozen=True)
class WorkHours:
    """A person's own working hours (`skills hours`), over [availability]'s."""

    start: str  # "HH:MM", their own clock
    end: str
    tz: str | None  # None: their profile's zone


@runtime_checkable
class PresenceReader(Protocol):
    """Optional port capability: a person's presence and status (Slack users.getPresence and
    users.info; Teams Graph /users/{id}/presence where configured). Raises PortError."""

    async def person_status(self, user_id: str) -> PlatformStatus: ...


def _zone(tz: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(tz) if tz else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def place(tz: str) -> str:
    """"Australia/Sydney" -> "Sydney"."""
    return tz.rsplit("/", 1)[-1].replace("_", " ")


def _clock(text: str) -> time:
    hour, minute = (int(x) for x in text.split(":"))
    return time(hour, minute)


def hours_problems(cfg: AvailabilityConfig) -> list[str]:
    """What is wrong with [availability], one line each."""
    found = []
    if bool(cfg.work_start) != bool(cfg.work_end):
        found.append("[availability] work_start and work_end go together (both \"\" for none)")
    for key in ("work_start", "work_end"):
        value = getattr(cfg, key)
        try:
            if value:
                _clock(value)
        except ValueError:
            found.append(f"[availability] {key} {value!r} is not HH:MM (e.g. \"09:00\")")
    bad = [d for d in cfg.work_days if d.lower() not in WEEKDAYS]
    if bad:
        found.append(f"[availability] work_days: {', '.join(bad)} are not day names")
    return found


def off_shift(tz: str | None, now: datetime, cfg: AvailabilityConfig) -> str | None:
    """"off shift in Sydney" when `now` is outside the working hours in zone `tz`; None when
    inside them, or when the zone or the hours are not known (nobody is skipped on a guess)."""
    zone = _zone(tz)
    if zone is None or not cfg.work_start or not cfg.work_end or tz is None:
        return None
    local = now.astimezone(zone)
    start, end = _clock(cfg.work_start), _clock(cfg.work_end)
    days = {d.lower() for d in cfg.work_days}
    on_day = WEEKDAYS[local.weekday()] in days
    t = local.time()
    inside = (start <= t < end) if start <= end else (t >= start or t < end)  # a night shift
    if on_day and inside:
        return None
    return _("off shift in {place} ({time} there)").format(place=place(tz),
                                                           time=f"{local:%a %H:%M}")


def absent(status: PlatformStatus | None, tz: str | None, now: datetime,
           cfg: AvailabilityConfig, back_at: datetime | None = None) -> str | None:
    """Why a person is not to be suggested now, in a few words; None: they may be."""
    if back_at is not None and now - back_at < BACK_HOLDS:
        return None  # they said `skills back`: that wins
    if status is not None:
        if status.out_of_office or _OUT.search(status.status_text) \
                or status.status_emoji in _OUT_EMOJI:
            return _("out of office (\u201c{status}\u201d)").format(
                status=status.status_text[:40]) if status.status_text else _("out of office")
        if status.huddle or _HUDDLE.search(status.status_text):
            return _("in a huddle")
        if status.in_call:
            return _("in a call")
        if status.away:
            return _("away (their presence says so)")
    return off_shift((status.tz if status else None) or tz, now, cfg)
