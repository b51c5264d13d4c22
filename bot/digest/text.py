"""The digest as text: Markdown for the CLI and JSON.

The JSON is a stable contract: docs/digest.md, "What the figures mean", defines its keys.
"""

from __future__ import annotations

import json
from typing import Any

from bot.wording import count


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def change(now: float | int | None, before: float | int | None) -> str:
    """`12 (week before 9)`: every figure is shown beside the week before."""
    return f"{_num(now)} (week before {_num(before)})"


def _num(v: float | int | None) -> str:
    return "n/a" if v is None else str(v)


def count_owners(bucket: str) -> str:
    """The owners distribution's keys are "1", "2", "3+"."""
    return "1 owner" if bucket == "1" else f"{bucket} owners"


def sla_line(d: dict[str, Any]) -> str:
    return f"SLA breaches: {sla_counts(d)}"


def sla_counts(d: dict[str, Any]) -> str:
    """`gold 2 (first response 1, next update 1) (week before 0).`: per policy, never per
    agent (docs/sla.md)."""
    per = d.get("sla_breaches") or {}
    before = (d.get("previous") or {}).get("sla_breaches") or {}
    parts = [f"{policy} {sum(t.values())} ("
             + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in t.items()) + ")"
             for policy, t in per.items()]
    was = sum(sum(t.values()) for t in before.values())
    return f"{', '.join(parts) or 'none'} (week before {was})."


def to_json(digest: dict[str, Any]) -> str:
    return json.dumps(digest, indent=2, ensure_ascii=False) + "\n"


def spread_line(now: dict[str, Any], before: dict[str, Any]) -> str:
    return (f"median {duration(now['median_s'])}, p90 {duration(now['p90_s'])} (n={now['n']}); "
            f"week before median {duration(before['median_s'])}, p90 "
            f"{duration(before['p90_s'])} (n={before['n']})")


def headline(d: dict[str, Any]) -> list[str]:
    """The few lines a chat reply carries."""
    p = d["previous"]
    own = d["owners_per_resolved_case"]
    return [
        f"Swarms opened {change(d['opened'], p['opened'])}, resolved "
        f"{change(d['resolved'], p['resolved'])}, open at week end "
        f"{change(d['open_at_end'], p['open_at_end'])}.",
        f"Time to connect: {spread_line(d['time_to_connect'], p['time_to_connect'])}.",
        f"Time to resolution: {spread_line(d['time_to_resolution'], p['time_to_resolution'])}.",
        f"Passed around (more than one owner): {own['passed_around']} of {own['cases']} resolved "
        f"(week before {p['owners_per_resolved_case']['passed_around']} of "
        f"{p['owners_per_resolved_case']['cases']}).",
        "Mood shift: " + ", ".join(f"{k} {change(v, p['mood_shift'][k])}"
                                   for k, v in d["mood_shift"].items()) + ".",
    ]


def to_markdown(d: dict[str, Any]) -> str:
    p = d["previous"]
    lines = [f"# Swarm digest {d['week']} ({d['timezone']})", "",
             f"{d['start']} to {d['end']} (UTC), as of {d['as_of']}.", "",
             "## Swarms", ""]
    lines += [f"- {x}" for x in headline(d)]
    nudges = d.get("nudges") or {}
    lines.append(f"- Cancelled (apart from resolved): {d.get('cancelled', 0)}; reopened: "
                 f"{d.get('reopened', 0)}. Nudges sent: "
                 + (", ".join(f"{k} {v}" for k, v in nudges.items()) or "none") + ".")
    hints = d.get("skill_suggestions") or {}
    if hints.get("made"):
        lines.append(f"- Skills suggested by the skill rules at open: "
                     f"{count(hints['made'], 'case')}; taken {hints.get('taken', 0)}.")
    lines.append(f"- {sla_line(d)}")
    h, ph = d["handoffs"], p["handoffs"]
    own, pown = d["owners_per_resolved_case"], p["owners_per_resolved_case"]
    lines += ["", "## Ownership and warm handoffs", "",
              f"- Owners per resolved case: mean {change(own['mean'], pown['mean'])}, "
              "cases with " + ", ".join(f"{count_owners(k)}: {v}"
                                        for k, v in own["distribution"].items()),
              f"- Handoffs offered {change(h['offered'], ph['offered'])}: accepted "
              f"{change(h['accepted'], ph['accepted'])}, declined "
              f"{change(h['declined'], ph['declined'])}, stalled over 4 h "
              f"{change(h['stalled'], ph['stalled'])}",
              f"- Help requests {change(d['help_requests'], p['help_requests'])}, unanswered "
              f"{change(d['unanswered'], p['unanswered'])}",
              "", "## The customer's side", "",
              "- Last mood of resolved cases: " + ", ".join(
                  f"{k} {change(v, p['last_mood'][k])}" for k, v in d["last_mood"].items()),
              "- Promises made: " + ", ".join(f"{k} {change(v, p['promises'][k])}"
                                             for k, v in d["promises"].items()),
              "", "## Functions pulled in", ""]
    t, pt = d["touchpoints"], p["touchpoints"]
    three, pthree = t["cases_3plus_functions"], pt["cases_3plus_functions"]
    lines.append(f"- Touchpoints per touched case {change(t['per_case'], pt['per_case'])}; "
                 f"cases touching 3+ functions {change(three, pthree)}")
    lines += [f"- {f['function']}: {count(f['swarms'], 'swarm')}" for f in d["functions"][:10]]
    lines += ["", "Functions working together:", ""]
    lines += [f"- {' + '.join(x['functions'])}: {count(x['swarms'], 'swarm')}"
              for x in d["function_pairs"][:10]] or ["- none this week"]
    lines += ["", "## Process friction (most reported first)", ""]
    for f in d["friction"][:10]:
        lines.append(f"- **{f['process']}**: {count(f['reports'], 'report')}")
        lines += [f"  > {q}" for q in f["quotes"][:3]]
    if not d["friction"]:
        lines.append("- none reported")
    dec, pdec = d["decisions"], p["decisions"]
    lines += ["", "## Advocate decisions", "",
              f"- Taken {change(dec['taken'], pdec['taken'])}; by risk: " + ", ".join(
                  f"{k} {v}" for k, v in dec["by_risk"].items()) + "; outcomes: " + ", ".join(
                  f"{k} {v}" for k, v in dec["by_outcome"].items()),
              "", "## Recognition", ""]
    lines += [f"- {r['from']} thanked {r['to']} for \u201c{r['for']}\u201d"
              + (f" ({r['case']})" if r["case"] else "") for r in d["recognition"][:20]]
    if len(d["recognition"]) > 20:
        lines.append(f"- and {len(d['recognition']) - 20} more")
    if not d["recognition"]:
        lines.append("- no thanks recorded")
    return "\n".join(lines) + "\n"
