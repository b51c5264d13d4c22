"""The digest as text: Markdown for the CLI and JSON.

The JSON is a stable contract: docs/digest.md, "What the figures mean", defines its keys.
"""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import _, ngettext


def duration(seconds: int | None) -> str:
    if seconds is None:
        return _("n/a")
    if seconds < 90:
        return _("{n} s").format(n=seconds)
    if seconds < 5400:
        return _("{n} min").format(n=round(seconds / 60))
    if seconds < 2 * 86400:
        return _("{n} h").format(n=f"{seconds / 3600:.1f}")
    return _("{n} d").format(n=f"{seconds / 86400:.1f}")


def change(now: float | int | None, before: float | int | None) -> str:
    """`12 (week before 9)`: every figure is shown beside the week before."""
    return _("{now} (week before {before})").format(now=_num(now), before=_num(before))


def _num(v: float | int | None) -> str:
    return _("n/a") if v is None else str(v)


def count_owners(bucket: str) -> str:
    """The owners distribution's keys are "1", "2", "3+"."""
    return _("1 owner") if bucket == "1" else _("{n} owners").format(n=bucket)


def sla_line(d: dict[str, Any]) -> str:
    return _("SLA breaches: {counts}").format(counts=sla_counts(d))


def sla_counts(d: dict[str, Any]) -> str:
    """`gold 2 (first response 1, next update 1) (week before 0).`: per policy, never per
    agent (docs/sla.md)."""
    per = d.get("sla_breaches") or {}
    before = (d.get("previous") or {}).get("sla_breaches") or {}
    parts = [f"{policy} {sum(t.values())} ("
             + ", ".join(f"{_target(k)} {v}" for k, v in t.items()) + ")"
             for policy, t in per.items()]
    was = sum(sum(t.values()) for t in before.values())
    return _("{counts} (week before {before}).").format(counts=", ".join(parts) or _("none"),
                                                       before=was)


def _target(name: str) -> str:
    """An SLA target's key ("first_response") as words."""
    return {"first_response": _("first response"), "next_update": _("next update"),
            "resolution": _("resolution")}.get(name, name.replace("_", " "))


def _swarms(n: int) -> str:
    return ngettext("{n} swarm", "{n} swarms", n).format(n=n)


def to_json(digest: dict[str, Any]) -> str:
    return json.dumps(digest, indent=2, ensure_ascii=False) + "\n"


def spread_line(now: dict[str, Any], before: dict[str, Any]) -> str:
    return _("median {median}, p90 {p90} (n={n}); week before median {median_before}, p90 "
             "{p90_before} (n={n_before})").format(
        median=duration(now['median_s']), p90=duration(now['p90_s']), n=now['n'],
        median_before=duration(before['median_s']), p90_before=duration(before['p90_s']),
        n_before=before['n'])


def headline(d: dict[str, Any]) -> list[str]:
    """The few lines a chat reply carries."""
    p = d["previous"]
    own = d["owners_per_resolved_case"]
    return [
        _("Swarms opened {opened}, resolved {resolved}, open at week end {open}.").format(
            opened=change(d['opened'], p['opened']),
            resolved=change(d['resolved'], p['resolved']),
            open=change(d['open_at_end'], p['open_at_end'])),
        _("Time to connect: {spread}.").format(
            spread=spread_line(d['time_to_connect'], p['time_to_connect'])),
        _("Time to resolution: {spread}.").format(
            spread=spread_line(d['time_to_resolution'], p['time_to_resolution'])),
        _("Passed around (more than one owner): {passed} of {cases} resolved (week before "
          "{passed_before} of {cases_before}).").format(
            passed=own['passed_around'], cases=own['cases'],
            passed_before=p['owners_per_resolved_case']['passed_around'],
            cases_before=p['owners_per_resolved_case']['cases']),
        _("Mood shift: {moods}.").format(moods=", ".join(
            f"{k} {change(v, p['mood_shift'][k])}" for k, v in d["mood_shift"].items())),
    ]


def to_markdown(d: dict[str, Any]) -> str:
    p = d["previous"]
    lines = ["# " + _("Swarm digest {week} ({timezone})").format(week=d['week'],
                                                                timezone=d['timezone']), "",
             _("{start} to {end} (UTC), as of {as_of}.").format(start=d['start'], end=d['end'],
                                                               as_of=d['as_of']), "",
             "## " + _("Swarms"), ""]
    lines += [f"- {x}" for x in headline(d)]
    nudges = d.get("nudges") or {}
    lines.append("- " + _("Cancelled (apart from resolved): {cancelled}; reopened: {reopened}. "
                          "Nudges sent: {nudges}.").format(
        cancelled=d.get('cancelled', 0), reopened=d.get('reopened', 0),
        nudges=", ".join(f"{k} {v}" for k, v in nudges.items()) or _("none")))
    hints = d.get("skill_suggestions") or {}
    if hints.get("made"):
        lines.append("- " + ngettext(
            "Skills suggested by the skill rules at open: {n} case; taken {taken}.",
            "Skills suggested by the skill rules at open: {n} cases; taken {taken}.",
            hints['made']).format(n=hints['made'], taken=hints.get('taken', 0)))
    lines.append(f"- {sla_line(d)}")
    h, ph = d["handoffs"], p["handoffs"]
    own, pown = d["owners_per_resolved_case"], p["owners_per_resolved_case"]
    lines += ["", "## " + _("Ownership and warm handoffs"), "",
              "- " + _("Owners per resolved case: mean {mean}, cases with {spread}").format(
                  mean=change(own['mean'], pown['mean']), spread=", ".join(
                      f"{count_owners(k)}: {v}" for k, v in own["distribution"].items())),
              "- " + _("Handoffs offered {offered}: accepted {accepted}, declined {declined}, "
                       "stalled over 4 h {stalled}").format(
                  offered=change(h['offered'], ph['offered']),
                  accepted=change(h['accepted'], ph['accepted']),
                  declined=change(h['declined'], ph['declined']),
                  stalled=change(h['stalled'], ph['stalled'])),
              "- " + _("Help requests {requests}, unanswered {unanswered}").format(
                  requests=change(d['help_requests'], p['help_requests']),
                  unanswered=change(d['unanswered'], p['unanswered'])),
              "", "## " + _("The customer's side"), "",
              "- " + _("Last mood of resolved cases: {moods}").format(moods=", ".join(
                  f"{k} {change(v, p['last_mood'][k])}" for k, v in d["last_mood"].items())),
              "- " + _("Promises made: {promises}").format(promises=", ".join(
                  f"{k} {change(v, p['promises'][k])}" for k, v in d["promises"].items())),
              "", "## " + _("Functions pulled in"), ""]
    t, pt = d["touchpoints"], p["touchpoints"]
    three, pthree = t["cases_3plus_functions"], pt["cases_3plus_functions"]
    lines.append("- " + _("Touchpoints per touched case {per_case}; cases touching 3+ functions "
                          "{three}").format(per_case=change(t['per_case'], pt['per_case']),
                                            three=change(three, pthree)))
    lines += [f"- {f['function']}: {_swarms(f['swarms'])}" for f in d["functions"][:10]]
    lines += ["", _("Functions working together:"), ""]
    lines += [f"- {' + '.join(x['functions'])}: {_swarms(x['swarms'])}"
              for x in d["function_pairs"][:10]] or ["- " + _("none this week")]
    lines += ["", "## " + _("Process friction (most reported first)"), ""]
    for f in d["friction"][:10]:
        lines.append(f"- **{f['process']}**: " + ngettext(
            "{n} report", "{n} reports", f['reports']).format(n=f['reports']))
        lines += [f"  > {q}" for q in f["quotes"][:3]]
    if not d["friction"]:
        lines.append("- " + _("none reported"))
    dec, pdec = d["decisions"], p["decisions"]
    lines += ["", "## " + _("Advocate decisions"), "",
              "- " + _("Taken {taken}; by risk: {risks}; outcomes: {outcomes}").format(
                  taken=change(dec['taken'], pdec['taken']),
                  risks=", ".join(f"{k} {v}" for k, v in dec["by_risk"].items()),
                  outcomes=", ".join(f"{k} {v}" for k, v in dec["by_outcome"].items())),
              "", "## " + _("Recognition"), ""]
    lines += ["- " + (_("{who} thanked {to} for \u201c{what}\u201d ({case})") if r["case"] else
                      _("{who} thanked {to} for \u201c{what}\u201d")).format(
                          who=r['from'], to=r['to'], what=r['for'], case=r['case'] or "")
              for r in d["recognition"][:20]]
    if len(d["recognition"]) > 20:
        lines.append("- " + _("and {n} more").format(n=len(d['recognition']) - 20))
    if not d["recognition"]:
        lines.append("- " + _("no thanks recorded"))
    return "\n".join(lines) + "\n"
