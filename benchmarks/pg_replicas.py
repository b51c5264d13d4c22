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
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pg_common import cluster, migrated  # noqa: E402
from benchmarks.proc_cpu import children_cpu, cpu_seconds  # noqa: E402
from testkit.loopback import serve, until  # noqa: E402
from testkit.replicas import Team, replica_world  # noqa: E402
from testkit.slack.fake_slack import FakeSlack  # noqa: E402


def _own_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


async def one(url: str, replicas: int, cases: int, folder: Path, latency: float = 0.0,
              postmaster: int | None = None, alone: bool = False, kill: bool = False,
              in_flight: int | None = None, restart: bool = True) -> dict[str, float]:
    """Commands done per second with `replicas` replicas, and the CPU a command took in
    the replicas, the database's backends and this process (the load, the front, the fake
    Slack), in ms; `load`: the machine's 1-minute load average at the end. `alone`: first
    one case's 10 commands alone (`alone_s`, the cases' time over it: `ratio`). `kill`:
    replica 1 killed (`kill -9`) once half the commands are done, and started again
    (`taken_s`: from the kill until every inbox row pending at it was done); `restart`
    False: it stays dead (the others take its work over and carry on without it).
    `in_flight`: each replica's [server] in_flight."""
    fake = FakeSlack()
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    try:
        async with replica_world(fake, url, folder, replicas, in_flight) as world, \
                aiohttp.ClientSession() as http:
            team = Team(fake, world.front_url + "/slack/events", world.watch, http)
            fake.latency = latency  # after start-up: the commands' Web API calls wait
            procs = world.replicas.replicas
            gone = 0.0  # CPU of replicas killed meanwhile

            def cpu() -> tuple[float, float, float]:
                backends = children_cpu(postmaster)
                return gone + sum(cpu_seconds(r.proc.pid) for r in procs if r.proc is not None), \
                    backends, _own_cpu()
            alone_s = 0.0
            if alone:
                started = time.monotonic()
                await team.case(cases)  # a case of its own, not one of the `cases`
                alone_s, team.sent = time.monotonic() - started, 0

            taken_s = 0.0  # from the kill until every row pending then was done

            async def kill_half_way() -> None:
                nonlocal gone, taken_s
                await until(lambda: team.sent >= cases * 10 // 2, "half the commands", 240)
                proc = procs[1].proc
                assert proc is not None
                gone += cpu_seconds(proc.pid)
                killed = time.monotonic()
                await world.replicas.kill(1)
                left = {r["key"] for r in world.db.execute(
                    "SELECT key FROM inbox WHERE done_at IS NULL AND failed_at IS NULL")}
                started = asyncio.ensure_future(world.replicas.start(1)) if restart else None
                await until(lambda: left <= world.watch.done, "the rows left by the kill", 240)
                taken_s = time.monotonic() - killed
                if started is not None:
                    await started
                    await world.replicas.healthy(1)
            killer = asyncio.ensure_future(kill_half_way()) if kill else None
            before = cpu()
            started = time.monotonic()
            await asyncio.gather(*(team.case(i) for i in range(cases)))
            took = time.monotonic() - started
            if killer is not None:
                await killer
            after = cpu()
            ms = [(a - b) / team.sent * 1000 for a, b in zip(after, before, strict=True)]
            return {"per_s": team.sent / took, "replicas_ms": ms[0], "db_ms": ms[1],
                    "load_ms": ms[2], "load": os.getloadavg()[0], "took_s": took,
                    "alone_s": alone_s, "ratio": took / alone_s if alone_s else 0.0,
                    "taken_s": taken_s}
    finally:
        await fake_runner.cleanup()


def measure(cases: int, counts: list[int], latency: float = 0.0, alone: bool = False,
            kill: bool = False, in_flight: int | None = None,
            restart: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"cases": cases, "commands": cases * 10, "per_s": {},
                           "latency": latency, "cpu": {}}
    with cluster() as c, tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            folder = Path(tmp) / f"r{n}"
            folder.mkdir()
            r = asyncio.run(one(migrated(c), n, cases, folder, latency, c.server_pid(),
                                alone, kill and n > 1, in_flight, restart))
            out["per_s"][n], out["cpu"][n] = r["per_s"], r
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--latency", type=float, default=0.0,
                    help="seconds each Slack Web API call takes (0.15: commands wait on it)")
    ap.add_argument("--alone", action="store_true",
                    help="first one case alone: the cases' time over its time (<= 2.0)")
    ap.add_argument("--kill", action="store_true",
                    help="kill -9 replica 1 half-way and start it again (2 replicas or more)")
    ap.add_argument("--stay-dead", action="store_true",
                    help="with --kill: the killed replica is not started again")
    ap.add_argument("--in-flight", type=int, default=None,
                    help="each replica's [server] in_flight (default: its own default, 64)")
    args = ap.parse_args()
    r = measure(args.cases, args.replicas, args.latency, args.alone, args.kill,
                args.in_flight, not args.stay_dead)
    print(f"{r['commands']} commands ({r['cases']} cases x 10), each delivered twice, "
          f"Slack {r['latency'] * 1000:.0f} ms a call"
          + (f", in_flight {args.in_flight} a replica" if args.in_flight else ""))
    for n, per_s in r["per_s"].items():
        c = r["cpu"][n]
        print(f"  {n} replica{'s' if n > 1 else ' '}: {per_s:6.1f} commands/s  CPU a "
              f"command: replicas {c['replicas_ms']:.2f} ms + database {c['db_ms']:.2f} ms "
              f"+ load/front/fake Slack {c['load_ms']:.2f} ms (load average {c['load']:.1f})")
        if c["alone_s"]:
            print(f"    {n} replica{'s' if n > 1 else ''}"
                  f"{', one killed half-way' if args.kill and n > 1 else ''}"
                  f"{' (not restarted)' if args.kill and args.stay_dead and n > 1 else ''}: "
                  f"time({r['cases']} cases) / time(one case alone) = {c['ratio']:.2f}x "
                  f"({c['took_s']:.2f} s / {c['alone_s']:.2f} s; target <= 2.0)")
        if c["taken_s"]:
            print(f"    the rows pending at the kill all done {c['taken_s']:.2f} s after it")


if __name__ == "__main__":
    main()
