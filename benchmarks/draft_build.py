"""How long a timeline draft takes to build (issue 30): it is built inside the unit of work
that opens the handoff form, so it holds that case's turn.

    python benchmarks/draft_build.py [--entries 2000] [--decisions 20000] [--rounds 50]

A SQLite store with one case of `entries` timeline entries (notes, moods, touchpoints,
promises), and a decision log of `decisions` decisions with outcomes over other cases (the
track record's read). Times `timeline_draft(handoff)` (with the similar-cases search) and
`catchup`'s summary; p50 and p99. The baseline is reading the case's timeline alone.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Config  # noqa: E402
from bot.domain import Case  # noqa: E402
from bot.drafting.service import timeline_draft  # noqa: E402
from bot.services.base import Deps  # noqa: E402
from bot.store import Store, open_store  # noqa: E402

AT = "2026-11-02T09:00:00Z"
KINDS = ["refund", "extend", "waive", "credit", "replace"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def fill(store: Store, entries: int, decisions: int, rng: random.Random) -> Case:
    with store.transaction():
        for pid in ("U1", "U2"):
            store.people.ensure(pid, "slack", pid, None, AT)
        others = [store.cases.add(f"ZD-{n}", "Other", f"other case {n}", 3, "U1", "slack",
                                     AT) for n in range(1, 201)]
        for i in range(decisions):
            cid = others[i % len(others)]
            did = store.journal.add_decision(cid, rng.choice(["low", "medium", "high"]),
                                             f"{rng.choice(KINDS)} the thing {i}", None, "U1",
                                             AT)
            store.journal.set_outcome(did, rng.choice(["kept", "lost", "escalated"]), AT)
        cid = store.cases.add("ZD-1000", "Acme Corp", "Acme cannot log in", 2, "U1",
                                 "slack", AT)
        for i in range(entries):
            kind = i % 4
            if kind == 0:
                store.timeline.append(cid, AT, "note", "U2", f"looked at log {i}")
            elif kind == 1:
                store.journal.add_mood(cid, rng.choice(["angry", "neutral", "satisfied"]),
                                       None, "U2", AT)
            elif kind == 2:
                store.journal.add_touchpoint(cid, "support", f"called {i}", "U2", AT)
            else:
                store.journal.add_promise(cid, f"call back {i}", AT, "U1", AT)
        store.journal.add_decision(cid, "high", "refund the invoice", None, "U1", AT)
    case = store.cases.by_id(cid)
    assert case is not None
    return case


def measure(entries: int, decisions: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        try:
            case = fill(store, entries, decisions, random.Random(7))
            deps = Deps(store=store, ports={}, config=Config())
            timed: dict[str, list[float]] = {"handoff draft": [], "catchup summary": [],
                                             "timeline read (baseline)": []}
            for _ in range(rounds):
                for name, run in (("handoff draft",
                                   lambda: timeline_draft(deps, case, "handoff")),
                                  ("catchup summary",
                                   lambda: timeline_draft(deps, case, "catchup", 15)),
                                  ("timeline read (baseline)",
                                   lambda: store.timeline.events(case.id))):
                    t0 = time.perf_counter()
                    run()
                    timed[name].append(time.perf_counter() - t0)
        finally:
            store.close()
    out = {}
    for name, values in timed.items():
        out[f"{name} p50 ms"] = round(statistics.median(values) * 1000, 2)
        out[f"{name} p99 ms"] = round(pct(values, 99) * 1000, 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--decisions", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=50)
    a = ap.parse_args()
    print(json.dumps(measure(a.entries, a.decisions, a.rounds), indent=2))


if __name__ == "__main__":
    main()
