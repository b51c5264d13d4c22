"""How long the scheduler's nudge pass takes, by number of open cases, and how long it
keeps the event loop (which answers Slack and Teams) from anything else.

    python benchmarks/nudge_tick.py [--open 2000 10000] [--runs 5]

Each open case gets a help request nobody joined, a pending handoff offer and a promise;
the pass runs every 30 s on a server. Timed: finding what is due (`Nudger.due`), the first
tick (every nudge sent, to an in-memory port), then steady ticks (everything already sent:
the common case), each with the longest stretch in which a 1 ms timer on the same loop
could not run. The machine is shared: compare figures from one run only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Config  # noqa: E402
from bot.domain import Role, iso  # noqa: E402
from bot.nudges import Nudger  # noqa: E402
from bot.services.base import Deps  # noqa: E402
from bot.store import Store, open_store  # noqa: E402
from testkit.fake_port import FakeChatPort  # noqa: E402

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def build(path: Path, n: int) -> None:
    store = open_store(path)
    fill(store, n)
    store.close()


def fill(store: Store, n: int) -> None:
    """`n` open cases, each with a help request, a handoff offer and a promise due."""
    at = iso(T0)
    with store.transaction():
        for who in ("ann", "bob"):
            store.people.ensure(who, "fake", who, None, at)
        for i in range(n):
            cid = store.cases.add(f"B-{i}", "Acme", "slow", 1 + i % 4, "ann", "fake", at)
            store.cases.add_owner(cid, "ann", at)
            store.cases.add_participant(cid, "ann", Role.OWNER, at, None, "opened the case")
            store.cases.add_help_request(cid, ["sso"], None, "ann", at)
            store.cases.add_handoff(cid, "ann", "bob", "take it", None, at)
            store.journal.add_promise(cid, "call back", iso(T0 + timedelta(hours=1)), "ann", at)


async def timed_tick(nudger: Nudger, now: datetime) -> tuple[float, float, int]:
    """(seconds, longest loop stall in seconds, nudges sent) of one tick."""
    gaps: list[float] = []
    ticking = True

    async def timer() -> None:
        last = time.perf_counter()
        while ticking:
            await asyncio.sleep(0.001)
            gaps.append(time.perf_counter() - last)
            last = time.perf_counter()

    watch = asyncio.ensure_future(timer())
    await asyncio.sleep(0.005)
    start = time.perf_counter()
    sent = len(await nudger.tick(now))
    took = time.perf_counter() - start
    ticking = False
    await watch
    return took, max(gaps), sent


async def measure(n: int, runs: int) -> dict[str, Any]:
    """Finding every nudge due (a full pass), the first tick and `runs` steady ticks, in
    seconds, at `n` open cases (the rows of `python -m benchmarks`: benchmarks/growth.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nudge.db"
        build(path, n)
        store = open_store(path)
        try:
            return await measure_on(store, n, runs)
        finally:
            store.close()


async def measure_on(store: Store, n: int, runs: int) -> dict[str, Any]:
    """`measure` on a store already holding `fill(store, n)` (PostgreSQL: benchmarks/
    pg_growth.py); its nudges are sent, so a second run needs the data again."""
    nudger = Nudger(Deps(store=store, ports={"fake": FakeChatPort(platform="fake")},
                         config=Config()))
    now = T0 + timedelta(days=2)  # everything is due
    finds = []
    for _ in range(runs):
        start = time.perf_counter()
        found = len(nudger.due(now))
        finds.append(time.perf_counter() - start)
    first = await timed_tick(nudger, now)
    steady = [await timed_tick(nudger, now) for _ in range(runs)]
    return {"open": n, "due": found, "find_s": finds, "first_s": first[0],
            "first_stall_s": first[1], "first_sent": first[2],
            "steady_s": [t for t, _, _ in steady], "steady_stall_s": [g for _, g, _ in steady]}


def report(r: dict[str, Any]) -> None:
    ms = 1000
    print(f"{r['open']:>6} open cases, {r['due']} nudges due: find median "
          f"{statistics.median(r['find_s']) * ms:.0f} ms; first tick {r['first_s'] * ms:.0f} ms "
          f"({r['first_sent']} sent, longest stall {r['first_stall_s'] * ms:.0f} ms); steady "
          f"tick median {statistics.median(r['steady_s']) * ms:.0f} ms, longest stall "
          f"{max(r['steady_stall_s']) * ms:.0f} ms ({len(r['steady_s'])} runs)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for n in args.open:
        report(asyncio.run(measure(n, args.runs)))


if __name__ == "__main__":
    main()
