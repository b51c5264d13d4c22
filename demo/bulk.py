"""`demo --bulk`: the demo plan written straight as rows, for a synthetic year at benchmark scale.

Going through the services costs a few SQL round trips per step (and the case lookup by
ref scans), which is fine for a few thousand cases and far too slow for 500k. This writer
keeps each live case in memory, applies every step the way the services would (same rows,
same timeline texts, same ids for the rows whose ids users see), and hands finished cases
to the repositories' `bulk` methods in batches (bot/store/bulk.py lists the columns). What
it leaves out: the outbox of platform calls (no platform is called) and the rooms'
message traffic. tests/digest/test_demo.py shows it
gives the same export, the same digest and the same search index as the service path on the
same seed. The search index is filled once, after the rows (SqliteSearch.bulk_load; on
PostgreSQL also the indexes, foreign keys and kept figures: bot/store/pg_bulk.py), and so are
the expert finder's figures (`bulk_figures`). tests/store/test_pg_bulk.py shows PostgreSQL's
load writes row for row what SQLite's does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.domain import room_name_for, severity_label
from bot.services.base import mention
from bot.store import Store
from demo.plan import DemoSpec, Step, people, steps
from demo.run import DEMO_CARRY, DEMO_PLATFORM, DemoResult, add_people, require_empty

_ORDER = ("cases", "owners", "participants", "handoffs", "help_requests", "timeline",
          "touchpoints", "moods", "decisions", "frictions", "promises", "thanks")
_IDS = ("cases", "handoffs", "help_requests", "touchpoints", "moods", "decisions",
        "frictions", "promises", "thanks")
_ISO: dict[int, str] = {}


def _iso(at: int) -> str:
    found = _ISO.get(at)
    if found is None:
        if len(_ISO) > 1_000_000:
            _ISO.clear()
        found = _ISO[at] = _fmt(at)
    return found


def _fmt(at: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _next_no(c: Live, kind: str) -> int:
    """A case's own number for its next decision or promise (#1 is its first)."""
    return 1 + sum(1 for key in c.refs if key[0] == kind)


@dataclass
class Live:
    """One case being written: its rows, mutable until the case's last step."""

    case: list[Any]
    owners: list[list[Any]] = field(default_factory=list)
    participants: list[list[Any]] = field(default_factory=list)
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    pending: list[Any] | None = None
    last_tried: str | None = None
    refs: dict[tuple[str, int], list[Any]] = field(default_factory=dict)

    def add(self, table: str, row: list[Any]) -> list[Any]:
        self.rows.setdefault(table, []).append(row)
        return row

    def note(self, at: str, kind: str, by: str | None, text: str, ref: int | None = None
             ) -> None:
        self.add("timeline", [self.case[0], at, kind, by, text, ref])

    def active(self, pid: str) -> list[list[Any]]:
        return [p for p in self.participants if p[1] == pid and p[4] is None]


class BulkWriter:
    def __init__(self, store: Store, batch: int = 50_000) -> None:
        self.store = store
        self.batch = batch
        self.next_id = dict.fromkeys(_IDS, 1)
        self.live: dict[int, Live] = {}
        self.buffer: dict[str, list[list[Any]]] = {t: [] for t in _ORDER}
        self.buffered = 0
        self.case_ids: list[int] = []  # every case written: their expert figures at the end

    def _id(self, table: str) -> int:
        n = self.next_id[table]
        self.next_id[table] = n + 1
        return n

    def apply(self, s: Step) -> None:
        at, a, who = _iso(s.at), s.args, s.actor
        if s.kind == "open":
            self._open(s, at)
        else:
            c = self.live[s.case_no]
            getattr(self, f"_{s.kind}")(c, at, who, a)
        if s.last:
            self._finish(self.live.pop(s.case_no))

    def _open(self, s: Step, at: str) -> None:
        ref, customer, summary, severity, delight = s.args
        room = room_name_for(ref, summary, prefix="swarm")
        cid = self._id("cases")
        c = Live([cid, ref, customer, summary, severity, "open", s.actor, DEMO_PLATFORM, room,
                  room, delight, None, at, None])
        c.owners.append([cid, s.actor, at, None])
        c.participants.append([cid, s.actor, "owner", at, None, None, "opened the case"])
        c.note(at, "opened", s.actor, f"opened {severity_label(severity)}: {summary}")
        if delight:
            c.note(at, "delight", s.actor, delight)
        self.live[s.case_no] = c

    def _need(self, c: Live, at: str, who: str, a: tuple) -> None:
        skills, tried = list(dict.fromkeys(a[0])), a[1]
        hid = self._id("help_requests")
        c.add("help_requests", [hid, c.case[0], "|" + "|".join(skills) + "|", tried, who, at])
        c.last_tried = tried or c.last_tried
        c.note(at, "help_requested", who, f"needs {', '.join(skills)}"
               + (f" (tried: {tried})" if tried else ""), hid)

    def _join(self, c: Live, at: str, who: str, a: tuple) -> None:
        if c.active(who):
            return
        c.participants.append([c.case[0], who, "specialist", at, None, None, None])
        c.note(at, "joined", who, f"{mention(who)} joined")

    def _touch(self, c: Live, at: str, who: str, a: tuple) -> None:
        tid = self._id("touchpoints")
        c.add("touchpoints", [tid, c.case[0], a[0].lower(), a[1], who, at])
        c.note(at, "touch", who, f"{a[0].lower()}: {a[1]}", tid)

    def _mood(self, c: Live, at: str, who: str, a: tuple) -> None:
        mid = self._id("moods")
        c.add("moods", [mid, c.case[0], a[0], a[1], who, at])
        c.note(at, "mood", who, a[0] + (f": {a[1]}" if a[1] else ""), mid)

    def _decide(self, c: Live, at: str, who: str, a: tuple) -> None:
        k, risk, decision, why = a
        did = self._id("decisions")
        no = _next_no(c, "decide")
        c.refs["decide", k] = c.add("decisions", [did, c.case[0], risk, decision, why, None,
                                                   None, who, at, no])
        c.note(at, "decision", who, f"#{no} ({risk} risk) {decision}"
               + (f" because {why}" if why else ""), did)

    def _outcome(self, c: Live, at: str, who: str, a: tuple) -> None:
        row = c.refs["decide", a[0]]
        row[5], row[6] = a[1], at
        c.note(at, "outcome", who, f"decision #{row[9]}: {a[1]}", row[0])

    def _promise(self, c: Live, at: str, who: str, a: tuple) -> None:
        pid = self._id("promises")
        due = _iso(a[1])
        no = _next_no(c, "promise")
        c.refs["promise", a[0]] = c.add("promises", [pid, c.case[0], a[2], due, who, at, None,
                                                     no])
        c.note(at, "promise", who, f"#{no} by {due}: {a[2]}", pid)

    def _kept(self, c: Live, at: str, who: str, a: tuple) -> None:
        row = c.refs["promise", a[0]]
        row[6] = at
        c.note(at, "promise_kept", who, f"#{row[7]}: {row[2]}", row[0])

    def _handoff(self, c: Live, at: str, who: str, a: tuple) -> None:
        hid = self._id("handoffs")
        c.pending = c.add("handoffs", [hid, c.case[0], c.case[6], a[0], a[1], c.last_tried,
                                       "pending", at, None, None])
        c.note(at, "handoff_offered", who, f"offered to {mention(a[0])}: {a[1]}", hid)

    def _accept(self, c: Live, at: str, who: str, a: tuple) -> None:
        offer, previous = c.pending, c.case[6]
        assert offer is not None
        offer[6], offer[8], c.pending = "accepted", at, None
        for o in c.owners:
            o[3] = o[3] or at
        c.owners.append([c.case[0], who, at, None])
        c.case[6] = who
        for p in c.active(previous):
            p[2] = "former owner"
        if c.active(who):
            for p in c.active(who):
                p[2] = "owner"
        else:
            c.participants.append([c.case[0], who, "owner", at, None, previous, "warm handoff"])
        c.note(at, "handoff_accepted", who,
               f"{mention(who)} accepted {c.case[1]} from {mention(previous)}", offer[0])

    def _decline(self, c: Live, at: str, who: str, a: tuple) -> None:
        offer = c.pending
        assert offer is not None
        offer[6], offer[8], offer[9], c.pending = "declined", at, a[0], None
        c.note(at, "handoff_declined", who, f"{mention(who)} declined"
               + (f": {a[0]}" if a[0] else ""), offer[0])

    def _thanks(self, c: Live, at: str, who: str, a: tuple) -> None:
        tid = self._id("thanks")
        c.add("thanks", [tid, c.case[0], who, a[0], a[1], at])
        c.note(at, "thanks", who, f"thanked {mention(a[0])} for {a[1]}", tid)

    def _friction(self, c: Live, at: str, who: str, a: tuple) -> None:
        fid = self._id("frictions")
        c.add("frictions", [fid, c.case[0], a[0].lower(), a[1], who, at])
        c.note(at, "friction", who, f"{a[0]}: {a[1]}", fid)

    def _note(self, c: Live, at: str, who: str, a: tuple) -> None:
        c.note(at, "note", who, a[0])

    def _resolve(self, c: Live, at: str, who: str, a: tuple) -> None:
        if c.pending is not None:
            c.pending[6], c.pending[8], c.pending[9] = "withdrawn", at, "case resolved"
            c.pending = None
        # As resolve_case with the demo's carry note: open promises are carried over.
        for key, row in c.refs.items():
            if key[0] == "promise" and row[6] is None:
                c.note(at, "promise_carried", who, f"#{row[7]} {row[2]}: {DEMO_CARRY}", row[0])
        c.case[5], c.case[11], c.case[13] = "resolved", a[0], at
        for o in c.owners:
            o[3] = o[3] or at
        c.note(at, "resolved", who, a[0])

    def _finish(self, c: Live) -> None:
        self.buffer["cases"].append(c.case)
        self.case_ids.append(c.case[0])
        self.buffer["owners"] += c.owners
        self.buffer["participants"] += c.participants
        for table, rows in c.rows.items():
            self.buffer[table] += rows
        self.buffered += 1 + len(c.owners) + len(c.participants) + sum(map(len, c.rows.values()))
        if self.buffered >= self.batch:
            self.flush()

    def flush(self) -> None:
        b = self.buffer
        with self.store.transaction():
            # Cases (and their parts) first: the timeline and the journal refer to them.
            self.store.cases.bulk(cases=b["cases"], owners=b["owners"],
                                  participants=b["participants"], handoffs=b["handoffs"],
                                  help_requests=b["help_requests"], with_figures=False)
            self.store.timeline.bulk(b["timeline"])
            self.store.journal.bulk(touchpoints=b["touchpoints"], moods=b["moods"],
                                    decisions=b["decisions"], frictions=b["frictions"],
                                    promises=b["promises"], thanks=b["thanks"])
        self.buffer = {kind: [] for kind in _ORDER}
        self.buffered = 0

    def close(self) -> None:
        for c in list(self.live.values()):
            self._finish(c)
        self.live.clear()
        self.flush()


def run_bulk(store: Store, spec: DemoSpec, progress: Callable[[int], None] | None = None
             ) -> DemoResult:
    require_empty(store)
    crew = people(spec)
    add_people(store, crew, _iso(spec.start))
    writer = BulkWriter(store)
    result = DemoResult(people=crew)
    # The search index is filled once at the end, not row by row by its triggers.
    with store.search.bulk_load():
        for step in steps(spec, crew):
            writer.apply(step)
            result.steps += 1
            if step.kind == "open":
                result.cases += 1
                if progress and result.cases % 50_000 == 0:
                    progress(result.cases)
        writer.close()
    # The expert figures once for every case (batch by batch, each batch's helpers would
    # be recounted from all their past help: a cost growing with the rows loaded).
    with store.transaction():
        store.cases.bulk_figures(writer.case_ids)
    return result
