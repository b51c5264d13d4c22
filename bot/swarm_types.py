"""Swarm types (`[types.<name>]` in config.toml): what a kind of case asks for and how soon.

A case's type is the one `open type=<name>` named, else the one named after its severity
(`sev1`..`sev4`). Every type has nudge timings: a configured type overrides the built-in
timings of its case's severity, so `set severity` changes them for untyped cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.domain import SEVERITIES

_DURATION = re.compile(r"^(\d{1,4})\s*(m|min|h|d)$")
_UNIT = {"m": 60, "min": 60, "h": 3600, "d": 86400}
# Participants auto-invited by a type carry this `why`: they were brought, not answering.
AUTO_INVITED = "auto-invited"


@dataclass(frozen=True)
class SwarmType:
    name: str
    connect_within: timedelta  # a help request nobody joined: nudge after this
    answer_within: timedelta  # a handoff offer nobody answered
    update_every: timedelta  # the customer has not heard from us for this long
    skills: tuple[str, ...] = ()  # asked for at `open` when none are given
    invite: tuple[str, ...] = ()  # people auto-invited at `open` (a supervisor for sev1)
    # Where `need` asks and connect nudges go, instead of the platform's triage room (a
    # channel id of the platform the case lives on).
    triage_room: str | None = None
    # Issue 26: people who follow its cases from `open` (told of the owner, mood, promises
    # due, the resolution), and whether its cases open confidential.
    followers: tuple[str, ...] = ()
    confidential: bool = False


def _t(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


# The more severe, the sooner: minutes for (connect_within, answer_within, update_every).
BUILT_IN = {
    1: SwarmType("sev1", _t(15), _t(15), _t(60)),
    2: SwarmType("sev2", _t(30), _t(30), _t(120)),
    3: SwarmType("sev3", _t(120), _t(240), _t(480)),
    4: SwarmType("sev4", _t(480), _t(1440), _t(1440)),
}
_TIMINGS = ("connect_within", "answer_within", "update_every")
_LISTS = ("skills", "invite", "followers")
_TEXTS = ("triage_room",)
_FLAGS = ("confidential",)


def duration(text: str) -> timedelta:
    """`15m`, `2h`, `1d` -> a timedelta; ValueError otherwise."""
    m = _DURATION.match(text.strip().lower())
    if not m or int(m.group(1)) == 0:
        raise ValueError(text)
    return timedelta(seconds=int(m.group(1)) * _UNIT[m.group(2)])


def problems(types: dict[str, Any]) -> list[str]:
    """What is wrong with `[types]`, one line each (config is refused before start-up)."""
    found = []
    for name, table in types.items():
        where = f"[types.{name}]"
        if not re.match(r"^[a-z0-9][a-z0-9_-]{0,29}$", name):
            found.append(f"{where}: a type name is lowercase letters, digits, - or _")
        if not isinstance(table, dict):
            found.append(f"{where} must be a [section]")
            continue
        for key, value in table.items():
            if key in _TIMINGS:
                try:
                    duration(str(value))
                except ValueError:
                    found.append(f"{where} {key} = {value!r} is not a duration "
                                 "(like \"15m\", \"2h\", \"1d\")")
            elif key in _LISTS:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    found.append(f"{where} {key} must be a list of strings")
            elif key in _TEXTS:
                if not isinstance(value, str) or not value.strip():
                    found.append(f"{where} {key} must be a room name or id (a string)")
            elif key in _FLAGS:
                if not isinstance(value, bool):
                    found.append(f"{where} {key} must be true or false")
            else:
                found.append(f"unknown key {where} {key} (known: "
                             f"{', '.join(sorted(_TIMINGS + _LISTS + _TEXTS + _FLAGS))})")
    return found


def type_for(types: dict[str, Any], name: str | None, severity: int) -> SwarmType:
    """The type in effect for a case: its named type (or `sev<n>`) over the built-in one."""
    base = BUILT_IN[severity if severity in SEVERITIES else 3]
    chosen = name or base.name
    table = types.get(chosen)
    if not isinstance(table, dict):
        return replace(base, name=chosen)
    # The config's names are the fields' (checked by `problems`), so one dict of changes.
    changes: dict[str, Any] = {"name": chosen, "triage_room": table.get("triage_room")}
    changes.update({k: duration(str(table[k])) for k in _TIMINGS if k in table})
    changes.update({k: tuple(table[k]) for k in _LISTS if k in table})
    changes.update({k: bool(table[k]) for k in _FLAGS if k in table})
    return replace(base, **changes)


def known(types: dict[str, Any]) -> list[str]:
    return sorted(set(types) | {t.name for t in BUILT_IN.values()})
