"""How long the scheduler's nudge pass takes to find what is due, by number of open cases.

    python benchmarks/nudge_tick.py [--open 2000 10000] [--runs 5]

Each open case gets a help request nobody joined, a pending handoff offer and a promise;
the pass (bot.nudges.Nudger.due) runs every 30 s on a server, so it must stay well under
that. Only the finding is timed (nothing is sent). The machine is shared: compare figures
from one run only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Config  # noqa: E402
from bot.domain import Role, iso  # noqa: E402
from bot.fake_port import FakeChatPort  # noqa: E402
from bot.nudges import Nudger  # noqa: E402
from bot.services.base import Deps  # noqa: E402
from bot.store import open_store  # noqa: E402

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def build(path: Path, n: int) -> None:
    store = open_store(path)
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
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for n in args.open:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "nudge.db"
            build(path, n)
            store = open_store(path)
            nudger = Nudger(Deps(store=store, ports={"fake": FakeChatPort(platform="fake")},
                                 config=Config()))
            now = T0 + timedelta(days=2)  # everything is due
            times, found = [], 0
            for _ in range(args.runs):
                start = time.perf_counter()
                found = len(nudger.due(now))
                times.append(time.perf_counter() - start)
            store.close()
        print(f"{n:>6} open cases: {found} nudges due, find pass median "
              f"{statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f} ms, "
              f"{args.runs} runs)")


if __name__ == "__main__":
    main()
