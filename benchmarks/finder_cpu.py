"""The PostgreSQL backend's CPU time per expert-finder request, per statement (issue 28):
the same requests again and again on one connection, so a change to the short list's
statement shows in CPU time, which a busy machine moves less than the wall clock.

    python -m benchmarks.finder_cpu --people 50000 --skills 3 --data-dir /tmp/tails-bench

Runs `find_experts` for 40 requests of `--skills` skills (after 5 not counted), `--rounds`
times, on the kept database experts_<people> (benchmarks/tails.py fills it on first use),
and prints the backend's CPU time (schedstat) per request, in all and per statement.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(people: int, skills: int, rounds: int, data: Path) -> dict[str, Any]:
    """{"per_request": ms, "statements": {first 90 characters: (count, ms) per request}}."""
    from benchmarks.experts import SKILLS
    from benchmarks.pg_kept import kept_run
    from benchmarks.tails import _fill_people
    from bot.config import Config
    from bot.services.base import Deps
    from bot.services.membership import find_experts
    from bot.store.postgres import open_pg_store

    rng = random.Random(11)
    asks = [rng.sample(SKILLS, skills) for _ in range(40)]
    with kept_run(data) as pg:
        # One connection in the pool (it opens two otherwise, and hands them out in turn):
        # the one backend whose CPU is read below.
        store = open_pg_store(pg.database(f"experts_{people}", partial(_fill_people, people)),
                              max_size=1)
        try:
            deps = Deps(store=store, ports={}, config=Config())
            case = store.cases.by_ref("ZD-10")
            assert case is not None
            # one connection (the pool's only one, checked below): its backend's counters
            pid = int(next(iter(store.db.execute("SELECT pg_backend_pid() AS p")))["p"])
            stat = Path(f"/proc/{pid}/schedstat")

            def cpu() -> float:
                return int(stat.read_text().split()[0]) / 1e6

            for ask in asks[:5]:
                find_experts(deps, case, ask)
            per: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
            execute = store.db.execute

            def timed(sql: str, params: Any = ()) -> Any:
                before = cpu()
                out = execute(sql, params)
                seen = per[" ".join(sql.split())[:90]]
                seen[0] += 1
                seen[1] += cpu() - before
                return out

            store.db.execute = timed  # type: ignore[method-assign]
            try:
                started = cpu()
                for _ in range(rounds):
                    for ask in asks:
                        find_experts(deps, case, ask)
                total = cpu() - started
            finally:
                store.db.execute = execute  # type: ignore[method-assign]
            if store.db.pool.get_stats().get("pool_size", 1) != 1:
                raise RuntimeError("more than one connection: the backend's CPU is not all")
        finally:
            store.close()
    n = rounds * len(asks)
    return {"per_request": total / n,
            "statements": {k: (c / n, t / n) for k, (c, t) in per.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--skills", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/tails-bench"))
    args = ap.parse_args()
    out = measure(args.people, args.skills, args.rounds, args.data_dir)
    print(f"server CPU {out['per_request']:.2f} ms a request ({args.skills} skills)")
    for sql, (count, ms) in sorted(out["statements"].items(), key=lambda kv: -kv[1][1])[:8]:
        print(f"  {ms:6.2f} ms  {count:4.1f} a request  {sql}")


if __name__ == "__main__":
    main()
