"""What the digest's kept per-case figures (m044, m044b) cost the writes: CPU per command's
store writes (one transaction each, as the command's), on a copy of a synthetic year.

    python benchmarks/digest_write_cost.py --db /tmp/swarmbot-bench/year-52x1923.db [--n 200]
    BEFORE=/tmp/before; $BEFORE/.venv/bin/python benchmarks/digest_write_cost.py --tree $BEFORE ...
    python benchmarks/digest_write_cost.py --db URL --postmaster PID   # PostgreSQL

PostgreSQL: the database at URL is copied (CREATE DATABASE ... TEMPLATE; nobody may be
connected to it) and the copy dropped at the end; the CPU counted is this process's plus
the server's (every child of the postmaster, from /proc, summed over the commands).

`--tree`: the checkout whose code writes (default: this one), so that the same script times
an older commit; the year is copied first (the copy is migrated by that checkout, then
removed). Per kind of command: the median and p99 of the process's CPU time, in ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Standard library only: imported before --tree puts an older checkout first on the path.
from benchmarks.proc_cpu import children_cpu  # noqa: E402


def _pg_copy(url: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    base, name = url.rsplit("/", 1)
    copy = f"{name}_w{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {copy} TEMPLATE {name}")

    def drop() -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {copy}")
    return f"{base}/{copy}", drop


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--tree", type=Path, default=ROOT)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--postmaster", type=int, default=0, help="PostgreSQL: its pid")
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    import bot
    from bot.domain import Role
    from bot.store import open_store

    assert Path(bot.__file__).resolve().is_relative_to(args.tree.resolve()), bot.__file__

    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        drop: Callable[[], None] = lambda: None  # noqa: E731
        if "://" in args.db:
            from bot.store.postgres import open_pg_store

            url, drop = _pg_copy(args.db)
            store: Any = open_pg_store(url, migrate=True)
            q: Callable[..., list[Any]] = store.db.tuples
        else:
            copy = Path(tmp) / "year.db"
            shutil.copyfile(args.db, copy)
            store = open_store(copy)
            q = lambda sql, params=(): store.db.conn.execute(sql, params).fetchall()  # noqa: E731
        open_ids = [r[0] for r in q("SELECT id FROM cases WHERE resolved_at IS NULL "
                                    "ORDER BY id DESC LIMIT ?", (args.n,))]
        at = "2027-01-05T10:00:00Z"
        person = q("SELECT id FROM people ORDER BY id LIMIT 1")[0][0]
        other = q("SELECT id FROM people ORDER BY id DESC LIMIT 1")[0][0]
        steps = {
            "mood": lambda c: store.journal.add_mood(c, "neutral", "better now", person, at),
            "note": lambda c: store.timeline.append(c, at, "note", person, "customer runs 4.2"),
            "need": lambda c: store.cases.add_help_request(c, ["sso"], None, person, at),
            "join": lambda c: (store.cases.add_participant(c, other, Role.SPECIALIST, at,
                                                           None, None),
                               store.timeline.append(c, at, "joined", other, "joined")),
            "resolve": lambda c: store.cases.resolve(c, "fixed", at),
        }
        cpu: dict[str, list[float]] = {k: [] for k in steps}
        server: dict[str, float] = {}
        for name, fn in steps.items():
            at_start = children_cpu(args.postmaster)
            for case_id in open_ids:
                started = time.process_time()
                with store.transaction():
                    fn(case_id)
                cpu[name].append(time.process_time() - started)
            server[name] = (children_cpu(args.postmaster) - at_start) / len(open_ids)
        store.close()
        drop()
    print(f"{args.tree.resolve()} on a copy of {args.db}: {len(open_ids)} commands each, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, values in cpu.items():
        v = sorted(values)
        print(f"  {name:8} CPU median {statistics.median(v) * 1000:6.2f} ms, "
              f"p99 {v[max(0, (99 * len(v) + 99) // 100 - 1)] * 1000:6.2f} ms"
              + (f"; server CPU mean {server[name] * 1000:6.2f} ms" if args.postmaster else ""))


if __name__ == "__main__":
    main()
