"""Skill rules (`[[skill_rules]]` in config.toml, issue 26): what a case already tells about
the skills it needs, suggested at `open` before the owner types `need`.

Each rule names the skills it suggests and what it matches on; every condition it names must
hold, and any one value of a condition's list is enough:

    [[skill_rules]]
    words = ["invoice", "refund"]   # a word (or phrase) of the summary
    severity = ["sev1", "sev2"]
    type = ["billing"]              # the swarm type
    tags = ["vip"]                  # the helpdesk ticket's tags
    organization = ["Acme"]         # the ticket's organisation, else the customer
    skills = ["billing"]

Rules are read in order; `[skill_suggestions] mode = "first"` stops at the first that matches,
"all" (the default) adds every match's skills. Pure: no store, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.domain import severity_label

CONDITIONS = ("words", "severity", "type", "tags", "organization")
KEYS = (*CONDITIONS, "skills", "name")
MODES = ("first", "all")
_WORD = re.compile(r"[a-z0-9][a-z0-9_.+-]*")


@dataclass(frozen=True)
class Hint:
    skills: tuple[str, ...]
    why: str  # which rule said which skill, in a few words


def problems(rules: list[Any], mode: str) -> list[str]:
    """What is wrong with `[[skill_rules]]` and `[skill_suggestions]`, one line each."""
    found = []
    if mode not in MODES:
        found.append(f"[skill_suggestions] mode = {mode!r} must be \"first\" or \"all\"")
    for i, rule in enumerate(rules, 1):
        where = f"[[skill_rules]] #{i}"
        if not isinstance(rule, dict):
            found.append(f"{where} must be a table")
            continue
        for key, value in rule.items():
            if key not in KEYS:
                found.append(f"unknown key {where} {key} (known: {', '.join(sorted(KEYS))})")
            elif key == "name":
                if not isinstance(value, str):
                    found.append(f"{where} name must be a string")
            elif not isinstance(value, list) or not value or not all(
                    isinstance(v, str) and v.strip() for v in value):
                found.append(f"{where} {key} must be a list of strings, e.g. {key} = [\"…\"]")
        if "skills" not in rule:
            found.append(f"{where} names no skills (skills = [\"billing\"])")
        if not any(k in rule for k in CONDITIONS):
            found.append(f"{where} matches nothing: give one of {', '.join(CONDITIONS)}")
    return found


def _words(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def _holds(rule: dict[str, Any], summary: str, severity: int, swarm_type: str,
           tags: tuple[str, ...], organization: str) -> str | None:
    """Why the rule matches (the first word or value that did), or None."""
    said = []
    if "words" in rule:
        text = _words(summary)
        hit = next((w for w in rule["words"] if _words(w) != "  " and _words(w) in text), None)
        if hit is None:
            return None
        said.append(f"\u201c{hit}\u201d")
    checks = (("severity", severity_label(severity)), ("type", swarm_type))
    for key, value in checks:
        if key in rule:
            if value.lower() not in {v.lower() for v in rule[key]}:
                return None
            said.append(value)
    if "tags" in rule:
        hit = next((t for t in rule["tags"] if t.lower() in {x.lower() for x in tags}), None)
        if hit is None:
            return None
        said.append(f"tag {hit}")
    if "organization" in rule:
        if organization.strip().lower() not in {o.strip().lower() for o in rule["organization"]}:
            return None
        said.append(organization)
    return ", ".join(said)


def suggest(rules: list[Any], mode: str, summary: str, severity: int, swarm_type: str,
            tags: tuple[str, ...] = (), organization: str = "",
            asked: tuple[str, ...] = ()) -> Hint | None:
    """The skills the rules suggest for a case (not those `asked` already), or None."""
    skills: dict[str, None] = {}
    why = []
    for rule in rules:
        matched = _holds(rule, summary, severity, swarm_type, tags, organization)
        if matched is None:
            continue
        new = [s.strip().lower() for s in rule["skills"]
               if s.strip().lower() not in skills and s.strip().lower() not in asked]
        skills.update(dict.fromkeys(new))
        if new:
            name = rule.get("name")
            why.append(f"{', '.join(new)} ({name + ': ' if name else ''}{matched})")
        if mode == "first":
            break
    return Hint(tuple(skills), "; ".join(why)) if skills else None
