"""The digest as one readable HTML page with inline SVG charts (served at /digest/YYYY-Www)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from bot.digest import svg
from bot.digest.png import weekdays
from bot.digest.text import duration, sla_line
from bot.i18n import _, current

CHARTS = ("chart-per-day", "chart-connect", "chart-mood", "chart-friction", "chart-pairs")

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:760px;margin:2em auto;
padding:0 1em;color:#1d2a33;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.1em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid
#dde5ea;padding-bottom:.2em}.sub{color:#5b6b75;margin-top:0}
table{border-collapse:collapse;width:100%}td,th{padding:.25em .5em;border-bottom:1px solid #eef2f4;
text-align:right}td:first-child,th:first-child{text-align:left}
blockquote{margin:.4em 0 .4em 1em;padding-left:.8em;border-left:3px solid #b9cfdb;color:#33444f}
.note{color:#5b6b75;font-size:.9em}svg.chart{margin:.5em 0 0}figure{margin:0 0 1.2em}
"""


def _row(label: str, now: Any, before: Any) -> str:
    return f"<tr><td>{escape(label)}</td><td>{escape(str(now))}</td>" \
           f"<td>{escape(str(before))}</td></tr>"


def _figures(d: dict[str, Any]) -> str:
    p = d["previous"]

    def spread(key: str, which: str) -> tuple[str, str]:
        return duration(d[key][which]), duration(p[key][which])

    na = _("n/a")
    rows = [
        _row(_("Swarms opened"), d["opened"], p["opened"]),
        _row(_("Swarms resolved"), d["resolved"], p["resolved"]),
        _row(_("Still open at week end"), d["open_at_end"], p["open_at_end"]),
        _row(_("Time to connect, median"), *spread("time_to_connect", "median_s")),
        _row(_("Time to connect, p90"), *spread("time_to_connect", "p90_s")),
        _row(_("Help requests nobody answered"), d["unanswered"], p["unanswered"]),
        _row(_("Time to resolution, median"), *spread("time_to_resolution", "median_s")),
        _row(_("Time to resolution, p90"), *spread("time_to_resolution", "p90_s")),
        _row(_("Owners per resolved case (mean)"), d["owners_per_resolved_case"]["mean"] or na,
             p["owners_per_resolved_case"]["mean"] or na),
        _row(_("Resolved cases passed around (2+ owners)"),
             d["owners_per_resolved_case"]["passed_around"],
             p["owners_per_resolved_case"]["passed_around"]),
    ]
    handoffs = {"offered": _("Warm handoffs offered"), "accepted": _("Warm handoffs accepted"),
                "declined": _("Warm handoffs declined"), "stalled": _("Warm handoffs stalled")}
    rows += [_row(handoffs[k], d["handoffs"][k], p["handoffs"][k]) for k in handoffs]
    rows += [_row(_("Promises {state}").format(state=k), v, p["promises"][k])
             for k, v in d["promises"].items()]
    rows += [_row(_("Touchpoints per touched case"), d["touchpoints"]["per_case"] or na,
                  p["touchpoints"]["per_case"] or na),
             _row(_("Cases touching 3+ functions"), d["touchpoints"]["cases_3plus_functions"],
                  p["touchpoints"]["cases_3plus_functions"])]
    return _head(_("Figure")) + "".join(rows) + "</table>"


def _head(first: str) -> str:
    """A figures table's head: the figure, this week, the week before."""
    cells = (first, _("This week"), _("Week before"))
    return "<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in cells) + "</tr>"


def _charts(d: dict[str, Any]) -> dict[str, str]:
    p = d["previous"]
    names = weekdays()
    per_day = [svg.Bar(f"{names[day.weekday()]} {day:%d}", x["opened"], x["resolved"])
               for x in d["per_day"] for day in (date.fromisoformat(x["date"]),)]
    before_connect = {b["bucket"]: b["requests"] for b in p["connect_distribution"]}
    connect = [svg.Bar(b["bucket"], b["requests"], before_connect.get(b["bucket"], 0))
               for b in d["connect_distribution"]]
    mood = [svg.Bar(k, v, p["mood_shift"][k]) for k, v in d["mood_shift"].items()]
    before_friction = {f["process"]: f["reports"] for f in p["friction"]}
    friction = [svg.Bar(f["process"], f["reports"], before_friction.get(f["process"], 0))
                for f in d["friction"][:8]]
    pairs = [svg.Bar(" + ".join(x["functions"]), x["swarms"]) for x in d["function_pairs"][:10]]
    return {
        "chart-per-day": svg.columns("chart-per-day", _("Swarms opened and resolved per day"),
                                     per_day, names=(_("opened"), _("resolved"))),
        "chart-connect": svg.columns("chart-connect", _("Time from a help request to the first "
                                                        "specialist joining"), connect,
                                     _("no help requests")),
        "chart-mood": svg.columns("chart-mood", _("Customer mood, first to last reading, per "
                                                  "resolved case"), mood,
                                  _("no cases with two mood readings")),
        "chart-friction": svg.rows("chart-friction", _("Process friction, most reported first"),
                                   friction, _("no friction reported")),
        "chart-pairs": svg.rows("chart-pairs", _("Functions working together on the same "
                                                 "swarm"), pairs,
                                _("no swarm touched two functions")),
    }


def _figure(chart: str, caption: str) -> str:
    return f"<figure>{chart}<figcaption class=note>{escape(caption)}</figcaption></figure>"


def render_page(d: dict[str, Any]) -> str:
    charts = {k: _figure(v, v.split("<title>", 1)[1].split("</title>", 1)[0])
              for k, v in _charts(d).items()}
    friction = "".join(
        f"<h3>{escape(f['process'])} ({f['reports']})</h3>"
        + "".join(f"<blockquote>{escape(q)}</blockquote>" for q in f["quotes"][:3])
        for f in d["friction"][:8])
    thanks = "".join(
        "<blockquote>" + _("{who} thanked {to} for \u201c{what}\u201d").format(
            who=escape(r['from']), to=escape(r['to']), what=escape(r['for']))
        + (f" <span class=note>({escape(r['case'])})</span>" if r["case"] else "")
        + "</blockquote>"
        for r in d["recognition"][:30]) or "<p>" + _("No thanks recorded this week.") + "</p>"
    if len(d["recognition"]) > 30:
        thanks += "<p class=note>" + _("and {n} more.").format(
            n=len(d['recognition']) - 30) + "</p>"
    dec, pdec = d["decisions"], d["previous"]["decisions"]
    decisions = (_head("")
                 + "".join(_row(_("{risk} risk").format(risk=k), v, pdec["by_risk"][k])
                           for k, v in dec["by_risk"].items())
                 + "".join(_row(_("outcome {outcome}").format(outcome=k), v,
                                pdec["by_outcome"][k])
                           for k, v in dec["by_outcome"].items()) + "</table>")
    last = ", ".join(f"{k} {v}" for k, v in d["last_mood"].items())
    week = escape(d['week'])
    title = _("Swarm digest {week}").format(week=week)
    period = _("{start} to {end} UTC (the week in {timezone}), as of {as_of}.").format(
        start=escape(d['start']), end=escape(d['end']), timezone=escape(d['timezone']),
        as_of=escape(d['as_of']))
    functions = escape(', '.join(f"{f['function']} {f['swarms']}" for f in d['functions'])) \
        or _("none")
    said = {"fast": _("How fast customers got the right people"),
            "mood": _("How the customer's mood moved"),
            "last": _("Last reading of each resolved case: {moods}.").format(moods=escape(last)),
            "mood_note": _("Mood readings describe the customer's experience; they are never "
                           "attributed to the agent who recorded them."),
            "friction": _("Processes that got in the way"),
            "functions": _("Functions pulled in"), "decisions": _("Advocate decisions"),
            "recognition": _("Recognition"),
            "ranks": _("What colleagues added, in their own words. This digest never ranks "
                       "people by how many swarms or messages they have.")}
    return f"""<!doctype html>
<html lang="{current()}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{_STYLE}</style></head>
<body><main>
<h1>{title}</h1>
<p class="sub">{period}</p>
<h2>{said["fast"]}</h2>{charts['chart-per-day']}
{charts['chart-connect']}{_figures(d)}
<p id="sla">{escape(sla_line(d))}</p>
<h2>{said["mood"]}</h2>{charts['chart-mood']}
<p>{said["last"]}</p>
<p class="note">{said["mood_note"]}</p>
<h2>{said["friction"]}</h2>{charts['chart-friction']}{friction}
<h2>{said["functions"]}</h2>{charts['chart-pairs']}
<p>{functions}</p>
<h2>{said["decisions"]}</h2>{decisions}
<h2>{said["recognition"]}</h2>{thanks}
<p class="note">{said["ranks"]}</p>
</main></body></html>
"""
