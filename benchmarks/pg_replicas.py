"""Replica throughput: 1, 2 and 3 `swarmbot serve` processes on one PostgreSQL behind the
replica test's round-robin front (testkit/replicas.py), each with the same work.

    python benchmarks/pg_replicas.py [--cases 30] [--replicas 1 2 3] [--latency 0.15]

Twenty people work `--cases` cases at once through signed `/swarm` slash commands (open,
need, join, notes, handoff, accept, resolve: 10 commands a case), each request delivered
twice (to two different replicas where there are two); a command counts when its inbox row
is done. The figure is commands done per second, from the first `open` to the last
`resolve`; the fake Slack answers on loopback at once. On a 2-core machine the replicas,
PostgreSQL and the load share the cores: more replicas buy availability here, not speed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pg_common import cluster, migrated  # noqa: E402
from testkit.loopback import serve  # noqa: E402
from testkit.replicas import Team, replica_world  # noqa: E402
from testkit.slack.fake_slack import FakeSlack  # noqa: E402


async def one(url: str, replicas: int, cases: int, folder: Path, latency: float = 0.0
              ) -> float:
    """Commands done per second with `replicas` replicas."""
    fake = FakeSlack()
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    try:
        async with replica_world(fake, url, folder, replicas) as world, \
                aiohttp.ClientSession() as http:
            team = Team(fake, world.front_url + "/slack/events", world.watch, http)
            fake.latency = latency  # after start-up: the commands' Web API calls wait
            started = time.monotonic()
            await asyncio.gather(*(team.case(i) for i in range(cases)))
            return team.sent / (time.monotonic() - started)
    finally:
        await fake_runner.cleanup()


def measure(cases: int, counts: list[int], latency: float = 0.0) -> dict[str, Any]:
    out: dict[str, Any] = {"cases": cases, "commands": cases * 10, "per_s": {},
                           "latency": latency}
    with cluster() as c, tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            folder = Path(tmp) / f"r{n}"
            folder.mkdir()
            out["per_s"][n] = asyncio.run(one(migrated(c), n, cases, folder, latency))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--latency", type=float, default=0.0,
                    help="seconds each Slack Web API call takes (0.15: commands wait on it)")
    args = ap.parse_args()
    r = measure(args.cases, args.replicas, args.latency)
    print(f"{r['commands']} commands ({r['cases']} cases x 10), each delivered twice, "
          f"Slack {r['latency'] * 1000:.0f} ms a call")
    for n, per_s in r["per_s"].items():
        print(f"  {n} replica{'s' if n > 1 else ' '}: {per_s:6.1f} commands/s")


if __name__ == "__main__":
    main()
