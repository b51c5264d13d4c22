"""The expert finder's kept tables before and after m046_expert_kept_compact, side by side on
one SQLite directory: the file's size, the finder's reads, the writes' CPU.

    python benchmarks/experts_layout.py [--people 50000] [--queries 300] [--writes 200]

The directory of benchmarks/experts.py (`people` people, as many cases), made once at this
release's schema, copied, and the copy's three kept tables remade as m039 made them (rowid
tables, each with its key's index and a covering index). Both files are vacuumed and
measured (sqlite's dbstat). Then, interleaved request by request on the two files:
`find_experts` and the store's short list; and `join`, `leave`, `resolve` and `reopen` (the
store's calls, each in a transaction, the same ones on both files), this process's CPU per
command. The two files give the same answers (asserted per request).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.experts import SKILLS, fill, pct  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.domain import Role  # noqa: E402
from bot.services.base import Deps  # noqa: E402
from bot.services.membership import SHORTLIST_PER_SUBSET, find_experts  # noqa: E402
from bot.store import Store, open_store  # noqa: E402
from bot.store.expert_shortlist import shortlist  # noqa: E402
from bot.store.sqlite import SqliteStore  # noqa: E402
from bot.store.sqlite_conn import ThreadDatabase  # noqa: E402

# m039's layout (bot/store/schema_experts.py EXPERT_RANKED): what m046 remade.
TABLES = [
    ("expert_rank", "person_id TEXT NOT NULL, skill TEXT NOT NULL, open_cases INTEGER NOT "
     "NULL, held TEXT NOT NULL", "person_id, skill", "expert_rank_order",
     "skill, open_cases, person_id, held"),
    ("expert_asked", "person_id TEXT NOT NULL, held TEXT NOT NULL, skill TEXT NOT NULL, asked "
     "TEXT NOT NULL, n INTEGER NOT NULL, open_cases INTEGER NOT NULL",
     "person_id, held, skill, asked", "expert_asked_by_skill",
     "held, skill, person_id, asked, n, open_cases"),
    ("expert_pair", "person_id TEXT NOT NULL, skill TEXT NOT NULL, other TEXT NOT NULL, "
     "open_cases INTEGER NOT NULL, held TEXT NOT NULL", "person_id, skill, other",
     "expert_pair_by_skills", "skill, other, person_id, open_cases, held"),
]


def to_m039(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for t, columns, key, index, indexed in TABLES:
            # The rows kept aside first (the copy is made before the table is dropped).
            conn.execute(f"CREATE TABLE {t}_rows AS SELECT * FROM {t}")
            conn.execute(f"DROP TABLE {t}")
            conn.execute(f"CREATE TABLE {t} ({columns}, PRIMARY KEY ({key}))")
            conn.execute(f"INSERT INTO {t} SELECT * FROM {t}_rows")
            conn.execute(f"DROP TABLE {t}_rows")
            conn.execute(f"CREATE INDEX {index} ON {t}({indexed})")
    conn.execute("VACUUM")
    conn.close()


def sizes(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    out = {"file": path.stat().st_size / 1e6}
    for name, size in conn.execute(
            "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE '%expert_rank%' OR name LIKE "
            "'%expert_asked%' OR name LIKE '%expert_pair%' GROUP BY name"):
        out[name] = size / 1e6
    conn.close()
    return out


def _cpu(run: Any) -> float:
    c = time.process_time()
    run()
    return time.process_time() - c


def _steps(s: Store, case_id: int, person: str, done: int) -> dict[str, Any]:
    """The writes timed, each the store's call in a transaction of its own."""
    def unit(step: Any) -> Any:
        def run() -> None:
            with s.transaction():
                step()
        return run
    return {
        "join": unit(lambda: s.cases.add_participant(
            case_id, person, Role.SPECIALIST, "2026-11-03T09:00:00+00:00", None, None)),
        "leave": unit(lambda: s.cases.leave(case_id, person, "2026-11-03T10:00:00Z")),
        "reopen": unit(lambda: s.cases.reopen(done)),
        "resolve": unit(lambda: s.cases.resolve(done, "fixed", "2026-11-03T11:00:00Z")),
    }


def measure(people: int, queries: int, writes: int, seed: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        after, before = Path(tmp) / "m046.db", Path(tmp) / "m039.db"
        store = open_store(after)
        fill(store, people, random.Random(seed))
        store.close()
        shutil.copy(after, before)
        to_m039(before)
        size = {"m039": sizes(before), "m046": sizes(after)}
        stores: dict[str, Store] = {"m039": SqliteStore(ThreadDatabase(str(before))),
                                    "m046": open_store(after)}
        rng = random.Random(seed + 1)
        asks = [rng.sample(SKILLS, rng.randint(1, 3)) for _ in range(queries)]
        read: dict[str, list[float]] = {k: [] for k in stores}
        listed: dict[str, list[float]] = {k: [] for k in stores}
        load = os.getloadavg()[0]
        cases = {k: s.cases.by_ref("ZD-10") for k, s in stores.items()}
        for skills in asks:
            got = {}
            for k in sorted(stores, key=lambda _: rng.random()):
                s, deps = stores[k], Deps(store=stores[k], ports={}, config=Config())
                t = time.perf_counter()
                got[k] = find_experts(deps, cases[k], skills)  # type: ignore[arg-type]
                read[k].append(time.perf_counter() - t)
                t = time.perf_counter()
                shortlist(s.db, skills, SHORTLIST_PER_SUBSET)
                listed[k].append(time.perf_counter() - t)
            assert got["m039"] == got["m046"], skills
        cpu: dict[str, dict[str, list[float]]] = {k: {} for k in stores}
        ids = [f"U{i:06d}" for i in range(people)]
        for _ in range(writes):
            case_id, person = rng.randrange(1, people // 10) * 10, rng.choice(ids)  # open
            done = rng.randrange(1, people // 10) * 10 + 1  # resolved
            for k, s in stores.items():
                for name, step in _steps(s, case_id, person, done).items():
                    cpu[k].setdefault(name, []).append(_cpu(step))
        for s in stores.values():
            s.close()
    return {"people": people, "sizes": size, "find_s": read, "shortlist_s": listed,
            "write_cpu_s": cpu, "load_at_start": load, "load_at_end": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--writes", type=int, default=200)
    args = ap.parse_args()
    r = measure(args.people, args.queries, args.writes)
    print(f"{args.people:,} people (load average {r['load_at_start']:.1f} -> "
          f"{r['load_at_end']:.1f})")
    for k in ("m039", "m046"):
        sz = r["sizes"][k]
        parts = ", ".join(f"{n} {v:.1f}" for n, v in sorted(sz.items()) if n != "file")
        print(f"  {k}: file {sz['file']:.1f} MB; kept tables and indexes (MB): {parts}")
    for label, key in (("find_experts", "find_s"), ("short list", "shortlist_s")):
        for k in ("m039", "m046"):
            w = r[key][k]
            print(f"  {label:12s} {k}: p50 {pct(w, 50) * 1000:6.2f} ms  p99 "
                  f"{pct(w, 99) * 1000:6.2f} ms")
    for name in ("join", "leave", "resolve", "reopen"):
        line = "  ".join(
            f"{k} {statistics.median(r['write_cpu_s'][k][name]) * 1000:.2f} / "
            f"{pct(r['write_cpu_s'][k][name], 99) * 1000:.2f}" for k in ("m039", "m046"))
        print(f"  {name:8s} CPU median / p99 (ms): {line}")


if __name__ == "__main__":
    main()
