"""Each manager's Monday (issue 26): the digest goes to each manager by direct message at
`[digest] weekday`/`time` in that manager's own time zone (their Slack/Teams profile's), or
at the day, time and zone they set with `digest at`.

Exactly once per manager per week, across replicas and restarts: the sent-marker row (kind
"digest", the manager's week, their destination) and the outbox row of the message commit in
one transaction; whoever marks first enqueues, everyone else finds the mark. The outbox
performs the message (and retries it) after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.digest.deliver import digest_reply
from bot.digest.weeks import BadInput, Week, parse_zone, week_containing
from bot.domain import iso
from bot.services.base import ENQUEUED, Deps, Effects
from bot.store.interfaces import OutboxItem

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def clock_time(text: str) -> time:
    hour, minute = (int(x) for x in text.split(":"))
    return time(hour, minute)


def due_week_at(now: datetime, weekday: str, at: time, tz: str) -> Week:
    """The week whose digest is due at `now` for a slot (`weekday` `at` in `tz`): the one
    before the latest slot at or before `now`."""
    current = week_containing(now, tz)
    day = current.monday + timedelta(days=WEEKDAYS.index(weekday.lower()))
    slot = datetime.combine(day, at, tzinfo=ZoneInfo(tz))
    period = current.previous()
    return period if now >= slot else period.previous()


@dataclass(frozen=True)
class Recipient:
    """Who gets a weekly digest, of which workspace's figures (bot/tenancy.py)."""

    manager: str
    platform: str
    key: str  # the sent-marker's destination, as the channels' ("slack:dm:U1")
    workspace: str = ""  # '' : the deployment's figures (one workspace, Teams, the shell)
    org: str = ""  # the workspace's Enterprise Grid org, if any (its token is the org's)


@dataclass(frozen=True)
class Plan:
    manager: str
    platform: str
    key: str  # the sent-marker's destination, as the channels' ("slack:dm:U1")
    week: Week
    zone_known: bool  # False: nobody said their zone yet (the config's was used)
    workspace: str = ""
    org: str = ""


def _zone_ok(tz: str | None) -> str | None:
    try:
        return tz if tz and parse_zone(tz) else None
    except BadInput:
        return None


def plans(deps: Deps, now: datetime, recipients: list[Recipient],
          zones: dict[str, str] | None = None) -> list[Plan]:
    """The managers whose digest is due at `now` and not marked sent yet. `recipients`:
    who, where, of which workspace; `zones`: zones the platform told just now (by manager)."""
    cfg, store = deps.config.digest, deps.store
    prefs = store.prefs.digest_prefs()
    people = store.people.many(list(dict.fromkeys(r.manager for r in recipients)))
    due = []
    for r in recipients:
        manager = r.manager
        pref = prefs.get(manager)
        person = people.get(manager)
        tz = _zone_ok(pref.tz if pref else None) or _zone_ok((zones or {}).get(manager)) \
            or _zone_ok(person.tz if person else None)
        week = due_week_at(now, pref.weekday if pref else cfg.weekday,
                           clock_time(pref.at_time if pref else cfg.time),
                           tz or cfg.timezone)
        if not store.sent.marked("digest", week.label, r.key):
            due.append(Plan(manager, r.platform, r.key, week, tz is not None, r.workspace,
                            r.org))
    return due


def enqueue(deps: Deps, plan: Plan, digest: dict[str, Any], link: str | None,
            now: datetime) -> list[int] | None:
    """Mark the manager's week sent and record the message, in one transaction; None when
    another replica (or this one before a restart) marked it first. The outbox rows made."""
    store = deps.store
    made: list[OutboxItem] = []
    token = ENQUEUED.set(made)
    try:
        with store.transaction():
            if not store.sent.mark("digest", plan.week.label, plan.key, iso(now)):
                return None
            Effects(deps, None, platform=plan.platform).direct_message(
                plan.manager, digest_reply(digest, link), "send the weekly digest")
    finally:
        ENQUEUED.reset(token)
    return [item.id for item in made]
