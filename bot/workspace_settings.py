"""A workspace's own settings (several workspaces in one deployment, docs/slack-oauth.md).

Each workspace may differ from the deployment's config in a few settings, from its
`[slack.workspaces.<team id>]` section and from what its managers set in chat
(`/swarm admin set <key> <value>`, recorded; the chat's value wins over the section's):

    triage_channel   where `need` asks for help (a channel name or id)
    managers         the workspace's managers (user ids), beside `[people] managers`
    slash            the slash command as the workspace's app has it (texts say it)
    types            (the section only) the workspace's swarm types, as `[types.*]`

`overlay` is the deployment's Config with a workspace's settings applied: what the core
reads (`Deps.config`) while that workspace's tenant is in scope (bot/tenancy.py).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from bot import swarm_types
from bot.config import Config
from bot.i18n import _

# What `admin set` may change, and what each means (`admin` shows it).
CHAT_KEYS = {
    "triage_channel": "where `need` asks for help (#channel)",
    "managers": "the workspace's managers (@people, comma or space separated)",
    "slash": "the slash command of this workspace's app (/name)",
}
SECTION_KEYS = (*CHAT_KEYS, "types")
_CHANNEL = re.compile(r"^#?[a-z0-9][a-z0-9_-]{0,79}$|^[CG][A-Z0-9]{2,20}$")
_SLASH = re.compile(r"^/[a-z0-9][a-z0-9_-]{0,30}$")
_PERSON = re.compile(r"^<?@?([UW][A-Z0-9]{2,20})(\|[^>]*)?>?$")


def checked(key: str, value: str) -> str:
    """The value as kept, or ValueError with the one line saying the right form."""
    value = value.strip()
    if key == "triage_channel":
        if not _CHANNEL.match(value):
            raise ValueError(_("a triage channel is #name (lower case) or a channel id"))
        return value if value.startswith(("C", "G")) and value[1:].isupper() \
            else "#" + value.lstrip("#")
    if key == "slash":
        if not _SLASH.match(value):
            raise ValueError(_("a slash command is /name (lower case letters, digits, - or _)"))
        return value
    if key == "managers":
        people = []
        for word in re.split(r"[\s,]+", value):
            if not word:
                continue
            found = _PERSON.match(word)
            if not found:
                raise ValueError(_("`{word}` is not a person: name managers with @").format(
                    word=word[:30]))
            people.append(found.group(1))
        if not people:
            raise ValueError(_("name at least one manager with @"))
        return ",".join(dict.fromkeys(people))
    raise ValueError(_("`{key}` is not a setting ({keys})").format(key=key[:30],
                                                                   keys=", ".join(CHAT_KEYS)))


def section_problems(workspaces: Mapping[str, Any]) -> list[str]:
    """Every problem of the [slack.workspaces.*] sections, one line each."""
    problems: list[str] = []
    for team, section in workspaces.items():
        where = f"[slack.workspaces.{team}]"
        if not isinstance(section, dict):
            problems.append(f"{where} must be a [section]")
            continue
        for key, value in section.items():
            if key not in SECTION_KEYS:
                problems.append(f"unknown key {where} {key} (known: "
                                f"{', '.join(SECTION_KEYS)})")
            elif key == "types":
                if not isinstance(value, dict):
                    problems.append(f"{where} types must be a table, as [types.*]")
                else:
                    problems += [f"{where} {p}" for p in swarm_types.problems(value)]
            elif key == "managers" and isinstance(value, list):
                try:
                    checked(key, " ".join(map(str, value)))
                except ValueError as err:
                    problems.append(f"{where} managers: {err}")
            elif not isinstance(value, str):
                problems.append(f"{where} {key} must be a string")
            else:
                try:
                    checked(key, value)
                except ValueError as err:
                    problems.append(f"{where} {key}: {err}")
    return problems


def effective(config: Config, team: str, chat: Mapping[str, str], org: str = ""
              ) -> dict[str, Any]:
    """The workspace's settings: its Grid org's section (`[slack.workspaces.<enterprise
    id>]`, managers per org), its own section's, then what was set in chat."""
    found: dict[str, Any] = {}
    managers: list[str] = []
    for name in (org, team):
        section = config.slack.workspaces.get(name) if name else None
        if isinstance(section, dict):
            found.update(section)
            if isinstance(section.get("managers"), list):
                managers += map(str, section["managers"])
            elif isinstance(section.get("managers"), str):
                managers += section["managers"].split(",")
    if managers:
        found["managers"] = ",".join(dict.fromkeys(managers))
    found.update(chat)
    return found


def overlay(config: Config, settings: Mapping[str, Any]) -> Config:
    """`config` with one workspace's settings applied (a copy; `config` is left alone)."""
    if not settings:
        return config
    out = copy.deepcopy(config)
    if settings.get("triage_channel"):
        out.slack.triage_channel = str(settings["triage_channel"])
    if settings.get("slash"):
        out.commands.slash = str(settings["slash"])
    if settings.get("managers"):
        extra = [p for p in str(settings["managers"]).split(",") if p]
        out.people.managers = list(dict.fromkeys([*out.people.managers, *extra]))
    if isinstance(settings.get("types"), dict):
        out.types = dict(settings["types"])
    return out
