"""`swarmbot export`: every case with its whole history, as JSON-ready data."""

from __future__ import annotations

from typing import Any

from bot.people import plain_data
from bot.store import Store


def export_cases(store: Store) -> dict[str, Any]:
    cases = []
    for c in store.all_cases():
        cases.append({
            "ref": c.ref, "status": c.status.value, "severity": c.severity,
            "customer": c.customer, "summary": c.summary, "owner": c.owner,
            "delight": c.delight, "resolution": c.resolution, "platform": c.platform,
            "room": c.room_name, "opened_at": c.opened_at, "resolved_at": c.resolved_at,
            "owners": store.owners(c.id),
            "handoffs": [{"from": h.from_id, "to": h.to_id, "briefing": h.briefing,
                          "tried": h.tried, "state": h.state.value,
                          "requested_at": h.requested_at,
                          "accepted_at": h.decided_at if h.state.value == "accepted" else None,
                          "decided_at": h.decided_at, "reason": h.reason}
                         for h in store.handoffs(c.id)],
            "participants": [{"person": p.person, "role": p.role.value, "joined_at": p.joined_at,
                              "left_at": p.left_at, "invited_by": p.invited_by, "why": p.why}
                             for p in store.participants(c.id)],
            "help_requests": [{"skills": r["skills"].strip("|").split("|"), "tried": r["tried"],
                               "by": r["by_id"], "at": r["at"]}
                              for r in store.rows("help_requests", c.id)],
            "touchpoints": [{"function": r["function"], "what": r["what"], "by": r["by_id"],
                             "at": r["at"]} for r in store.rows("touchpoints", c.id)],
            "moods": [{"level": r["level"], "note": r["note"], "by": r["by_id"], "at": r["at"]}
                      for r in store.rows("moods", c.id)],
            "decisions": [{"id": r["id"], "risk": r["risk"], "decision": r["decision"],
                           "rationale": r["rationale"], "outcome": r["outcome"],
                           "by": r["by_id"], "at": r["at"]}
                          for r in store.rows("decisions", c.id)],
            "frictions": [{"process": r["process"], "how": r["how"], "by": r["by_id"],
                           "at": r["at"]} for r in store.rows("frictions", c.id)],
            "promises": [{"id": r["id"], "what": r["what"], "due": r["due"],
                          "kept_at": r["kept_at"]} for r in store.rows("promises", c.id)],
            "thanks": [{"from": r["from_id"], "to": r["to_id"], "for": r["what"], "at": r["at"]}
                       for r in store.rows("thanks", c.id)],
            "messages": store.message_counts(c.id),
            "timeline": [{"at": e.at, "kind": e.kind, "by": e.by, "text": e.text}
                         for e in store.timeline(c.id)],
        })
    return {"cases": plain_data(cases)}
