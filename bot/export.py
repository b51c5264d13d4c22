"""`swarmbot export`: every case with its whole history, as JSON-ready data."""

from __future__ import annotations

from typing import Any

from bot import permissions
from bot.bridge import rooms as bridge_rooms
from bot.config import Config
from bot.people import plain_data
from bot.store import Store


def _timeline(store: Store, case_id: int) -> list[dict[str, Any]]:
    """Every entry, numbered; a corrected or retracted one stays, marked with who and why
    (the correction is its own entry, with `about` naming the entry it changes)."""
    events = store.timeline.events(case_id)
    marks: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        if e.kind in ("corrected", "retracted") and e.ref_id is not None:
            marks.setdefault(e.ref_id, []).append(
                {"kind": e.kind, "entry": e.id, "by": e.by, "at": e.at, "text": e.text})
    out = []
    for e in events:
        row: dict[str, Any] = {"id": e.id, "at": e.at, "kind": e.kind, "by": e.by,
                               "text": e.text}
        if e.kind in ("corrected", "retracted"):
            row["about"] = e.ref_id
        if e.id in marks:
            row["changed"] = marks[e.id]
        out.append(row)
    return out


def export_cases(store: Store, viewer: str | None = None,
                 config: Config | None = None) -> dict[str, Any]:
    """Everything (for whoever runs the bot), or with `viewer` what that person may see: a
    confidential case they may not is only counted - its ref, state and times (issue 26)."""
    cases: list[dict[str, Any]] = []
    journal = store.journal
    for c in store.cases.all():
        if viewer is not None and not permissions.may_see(config or Config(), store, viewer, c):
            cases.append({"ref": c.ref, "status": c.status.value, "severity": c.severity,
                          "confidential": True, "withheld": "a confidential swarm",
                          "opened_at": c.opened_at, "resolved_at": c.resolved_at})
            continue
        ticket = store.helpdesk.link_of(c.id)
        cases.append({
            "helpdesk": ({"name": ticket.helpdesk, "ticket_id": ticket.ticket_id,
                          "url": ticket.url} if ticket else None),
            **({"workspace": c.workspace} if c.workspace else {}),
            "ref": c.ref, "status": c.status.value, "severity": c.severity,
            "customer": c.customer, "summary": c.summary, "owner": c.owner,
            "delight": c.delight, "resolution": c.resolution, "platform": c.platform,
            "room": c.room_name, "rooms": bridge_rooms.rooms_of(store, c),
            "opened_at": c.opened_at, "resolved_at": c.resolved_at,
            "owners": [{"person": o.person, "from": o.assumed_at, "until": o.renounced_at}
                       for o in store.cases.owners(c.id)],
            "handoffs": [{"from": h.from_id, "to": h.to_id, "briefing": h.briefing,
                          "tried": h.tried, "state": h.state.value,
                          "requested_at": h.requested_at,
                          "accepted_at": h.decided_at if h.state.value == "accepted" else None,
                          "decided_at": h.decided_at, "reason": h.reason}
                         for h in store.cases.handoffs(c.id)],
            "participants": [{"person": p.person, "role": p.role.value, "joined_at": p.joined_at,
                              "left_at": p.left_at, "invited_by": p.invited_by, "why": p.why}
                             for p in store.cases.participants(c.id)],
            "help_requests": [{"skills": list(r.skills), "tried": r.tried, "by": r.by,
                               "at": r.at} for r in store.cases.help_requests(c.id)],
            "touchpoints": [{"function": t.function, "what": t.what, "by": t.by, "at": t.at}
                            for t in journal.touchpoints(c.id)],
            "moods": [{"level": m.level, "note": m.note, "by": m.by, "at": m.at}
                      for m in journal.moods(c.id)],
            "decisions": [{"id": d.id, "no": d.no, "risk": d.risk, "decision": d.decision,
                           "rationale": d.rationale, "outcome": d.outcome, "by": d.by,
                           "at": d.at} for d in journal.decisions(c.id)],
            "frictions": [{"process": f.process, "how": f.how, "by": f.by, "at": f.at}
                          for f in journal.frictions(c.id)],
            "promises": [{"id": p.id, "no": p.no, "what": p.what, "due": p.due,
                          "kept_at": p.kept_at}
                         for p in journal.promises(c.id)],
            "thanks": [{"from": t.from_id, "to": t.to_id, "for": t.what, "at": t.at}
                       for t in journal.thanks(c.id)],
            "messages": store.timeline.message_counts(c.id),
            "swarm_type": c.swarm_type, "confidential": c.confidential,
            "followers": store.access.followers(c.id),
            "asks": [{"person": a.person, "skill": a.skill, "by": a.asked_by, "at": a.asked_at,
                      "state": a.state, "decided_at": a.decided_at, "reason": a.reason}
                     for a in store.access.asks(c.id)],
            "timeline": _timeline(store, c.id),
        })
    roles = [{"person": g.person, "role": g.role, "why": g.why, "granted_by": g.granted_by,
              "assumed_at": g.assumed_at, "renounced_at": g.renounced_at,
              "renounced_by": g.renounced_by, "renounced_why": g.renounced_why}
             for g in store.access.roles(active_only=False)]
    return {"cases": plain_data(cases), "roles": plain_data(roles)}
