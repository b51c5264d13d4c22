"""SLA policies (`[sla.<name>]` in config.toml, docs/sla.md): what a case owes the customer
and by when, on a business-hours clock (bot/business_clock.py).

A policy has up to three targets, each a duration of business time:

- first_response: from the opening to the first customer contact;
- next_update: from each customer contact to the next, while the case is open;
- resolution: from the opening to the resolve.

A customer contact is what "last customer contact" means everywhere else: a touchpoint
(`touch <function> <what happened>`, the journey map's entry for a customer-facing touch)
or a kept promise. A note is internal and never counts.

Which policy a case is under, first match wins: the one named with `set sla <name>` (or
chosen at open by the ticket's tags), then one listing the case's helpdesk priority (from the
ticket, or `set priority`), then one listing its swarm type, then one listing its severity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.business_clock import DAYS, BusinessHours, add, clock_time
from bot.domain import Case, parse_iso
from bot.helpdesk import severity_of
from bot.swarm_types import duration, known

TARGETS = ("first_response", "next_update", "resolution")
_SELECT = ("types", "severities", "priorities", "tags", "escalate")
_HOURS = ("timezone", "days", "hours", "holidays")
_LISTS = _SELECT + ("days", "holidays")
_KEYS = TARGETS + _SELECT + _HOURS + ("warn_before",)
NO_SLA = "none"  # `set sla none`: this case is under no policy
DEFAULT_WARN = timedelta(minutes=15)


@dataclass(frozen=True)
class Policy:
    name: str
    targets: dict[str, timedelta]  # target name -> business time allowed
    hours: BusinessHours | None  # None: the calendar, 24x7
    warn_before: timedelta = DEFAULT_WARN
    types: tuple[str, ...] = ()
    severities: tuple[int, ...] = ()
    priorities: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    escalate: tuple[str, ...] = ()  # who is told at a breach (empty: the managers)


@dataclass(frozen=True)
class Target:
    name: str  # one of TARGETS
    due: datetime | None  # None: never (no business hours left in the calendar)
    met_at: datetime | None = None  # when it was met, None while it is not

    def breached(self, now: datetime) -> bool:
        if self.due is None:
            return False
        if self.met_at is not None:
            return self.met_at > self.due
        return now >= self.due


def _hours(table: dict[str, Any]) -> BusinessHours | None:
    if not any(k in table for k in ("days", "hours", "holidays")):
        return None
    opens, closes = (clock_time(x) for x in str(table.get("hours", "09:00-17:00")).split("-"))
    days = table.get("days", list(DAYS[:5]))
    return BusinessHours(
        zone=str(table.get("timezone", "UTC")),
        days=frozenset(DAYS.index(d.lower()[:3]) for d in days),
        opens=opens or datetime.min.time(), closes=closes,
        holidays=frozenset(date.fromisoformat(d) for d in table.get("holidays", [])))


def policies(sla: dict[str, Any]) -> dict[str, Policy]:
    """The configured policies (checked by `problems` before start-up), in config order."""
    out = {}
    for name, table in sla.items():
        out[name] = Policy(
            name=name,
            targets={t: duration(str(table[t])) for t in TARGETS if t in table},
            hours=_hours(table),
            warn_before=duration(str(table["warn_before"])) if "warn_before" in table
            else DEFAULT_WARN,
            types=tuple(str(x).lower() for x in table.get("types", [])),
            severities=tuple(int(str(x).lower().removeprefix("sev"))
                             for x in table.get("severities", [])),
            priorities=tuple(str(x).lower() for x in table.get("priorities", [])),
            tags=tuple(str(x).lower() for x in table.get("tags", [])),
            escalate=tuple(str(x) for x in table.get("escalate", [])))
    return out


def problems(sla: dict[str, Any], types: dict[str, Any]) -> list[str]:
    """What is wrong with `[sla]`, one line each (config is refused before start-up)."""
    found: list[str] = []
    type_names = set(known(types))
    for name, table in sla.items():
        where = f"[sla.{name}]"
        if not re.match(r"^[a-z0-9][a-z0-9_-]{0,29}$", name) or name in (NO_SLA, "auto"):
            found.append(f"{where}: a policy name is lowercase letters, digits, - or _ "
                         "(not \"none\" or \"auto\")")
        if not isinstance(table, dict):
            found.append(f"{where} must be a [section]")
            continue
        found += _table_problems(where, table, type_names)
    return found


def _table_problems(where: str, table: dict[str, Any], type_names: set[str]) -> list[str]:
    found = []
    for key, value in table.items():
        if key not in _KEYS:
            found.append(f"unknown key {where} {key} (known: {', '.join(sorted(_KEYS))})")
        elif key in TARGETS + ("warn_before",):
            try:
                duration(str(value))
            except ValueError:
                found.append(f"{where} {key} = {value!r} is not a duration "
                             "(like \"30m\", \"4h\", \"3d\")")
        elif not _shape_ok(key, value):
            kind = "a list of strings" if key in _LISTS else "a string"
            found.append(f"{where} {key} must be {kind}")
        elif key == "types":
            found += [f"{where} types: {t!r} is no swarm type (known: "
                      f"{', '.join(sorted(type_names))})" for t in value
                      if str(t).lower() not in type_names]
        elif key == "severities":
            found += [f"{where} severities: {s!r} is not sev1..sev4" for s in value
                      if str(s).lower() not in ("sev1", "sev2", "sev3", "sev4")]
        elif key == "timezone":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                found.append(f"{where} timezone {value!r} is not an IANA zone "
                             "(e.g. \"Europe/Berlin\")")
        elif key == "days":
            found += [f"{where} days: {d!r} is not a weekday ({', '.join(DAYS)})"
                      for d in value if str(d).lower()[:3] not in DAYS]
        elif key == "hours":
            found += _span_problem(where, value)
        elif key == "holidays":
            found += _date_problems(where, value)
    if any(k in table for k in ("days", "hours", "holidays")):
        # "3d" of business time would be 72 business hours (nine 8-hour days): a trap.
        found += [f"{where} {t} = {table[t]!r}: on business hours give hours or minutes "
                  "(\"24h\" is three 09:00-17:00 days)" for t in TARGETS
                  if t in table and str(table[t]).strip().lower().endswith("d")]
    if not any(t in table for t in TARGETS):
        found.append(f"{where} sets no target: give first_response, next_update or resolution")
    if "timezone" in table and not any(k in table for k in ("days", "hours", "holidays")):
        found.append(f"{where} timezone is set without business hours: add hours = "
                     "\"09:00-17:00\" (and days, holidays), or drop it for a 24x7 clock")
    return found


def _shape_ok(key: str, value: Any) -> bool:
    if key in _LISTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)


def _span_problem(where: str, value: str) -> list[str]:
    try:
        opens, closes = (clock_time(x) for x in value.split("-"))
        if opens is None or (closes is not None and closes <= opens):
            raise ValueError(value)
    except ValueError:
        return [f"{where} hours = {value!r} is not an opening span like \"09:00-17:00\" "
                "(24-hour clock, closing after opening; \"00:00-24:00\" for the whole day)"]
    return []


def _date_problems(where: str, value: list[Any]) -> list[str]:
    bad = []
    for d in value:
        try:
            date.fromisoformat(str(d))
        except ValueError:
            bad.append(f"{where} holidays: {d!r} is not a date (YYYY-MM-DD)")
    return bad


def choose(all_: dict[str, Policy], case: Case, type_name: str) -> Policy | None:
    """The policy a case is under (see the module's docstring), or None."""
    if case.sla == NO_SLA:
        return None
    if case.sla and case.sla in all_:
        return all_[case.sla]
    priority = (case.priority or "").lower()
    for test in (lambda p: bool(priority) and priority in p.priorities,
                 lambda p: type_name in p.types,
                 lambda p: case.severity in p.severities):
        for p in all_.values():
            if test(p):
                return p
    return None


def from_ticket(all_: dict[str, Policy], tags: tuple[str, ...]) -> str | None:
    """At open from a ticket: the first policy listing one of its tags."""
    wanted = {t.lower() for t in tags}
    return next((p.name for p in all_.values() if wanted & set(p.tags)), None)


def priorities(all_: dict[str, Policy]) -> list[str]:
    """What `set priority` takes: the helpdesks' priority names and the policies' own."""
    named = {p for pol in all_.values() for p in pol.priorities}
    return sorted(named | {"urgent", "high", "normal", "low"})


def is_priority(value: str) -> bool:
    return severity_of(value, 0) != 0


def targets(policy: Policy, opened_at: str, contacts: tuple[str | None, str | None],
            resolved_at: str | None, reopened_at: str | None = None) -> list[Target]:
    """The policy's targets for a case, with their due times on the policy's clock.

    `contacts` is (first, last) customer contact at or after the opening (None: none yet).
    The next update is owed from the last contact, once there was a first (before it, the
    first response is what is owed); a closed case owes no update. A reopened case owes its
    resolution, and its next update, from its last reopening (or a contact since)."""
    opened = parse_iso(opened_at)
    restarted = parse_iso(reopened_at) if reopened_at else opened
    first, last = (parse_iso(c) if c else None for c in contacts)
    resolved = parse_iso(resolved_at) if resolved_at else None
    if reopened_at and last is not None:
        last = max(last, restarted)
    out = []
    for name, span in policy.targets.items():
        if name == "first_response":
            out.append(Target(name, add(opened, span, policy.hours), first))
        elif name == "resolution":
            out.append(Target(name, add(restarted, span, policy.hours), resolved))
        elif last is not None and resolved is None:
            out.append(Target(name, add(last, span, policy.hours)))
    return out
