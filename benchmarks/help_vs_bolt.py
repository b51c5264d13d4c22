"""Slack `/swarm help` from 50 connections at once, each answered on its own response_url:
a real `swarmbot serve` against a bare Bolt app, in alternating rounds of the same run.

    python -m benchmarks.help_vs_bolt [--rounds 9] [--connections 50] [--per-connection 20]
                                      [--store sqlite|postgres] [--quick] [--json FILE]

Each connection (a person of its own: Slack sends each user's commands) sends a signed
`/swarm help`, reads the ack (HTTP 200), waits until the answer has reached that request's
response_url (a loopback recorder), and only then sends its next one: a closed loop, 50 in
flight at most. A round is `--per-connection` requests per connection; answered/s is the
round's requests over the time from its first request to its last answer. The sides run in
processes of their own, swarmbot as `swarmbot serve` configured by a file, the baseline as
benchmarks/bare_bolt.py (a minimal slack_bolt AsyncApp on aiohttp, process_before_response
on, that acks and then posts a fixed line to response_url: its HTTP ack is sent once that
post is done, so its ack latency includes it); rounds alternate sides (swarmbot first in the
even ones), medians over rounds (and each round's ratio to the other side's round beside it,
as the shared machine drifts); ack latency p50/p99 pooled over every round. Server CPU per
request is read from /proc; "load CPU" is this process's (the connections, the fake Slack, the
recorder), to show the load is not what limits. Target: swarmbot / bare >= 1.0 in
answered/s. The fake Slack Web API answers at once (swarmbot asks it about each person
once: users.info, in the warm-up).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_serve import (  # noqa: E402
    Answers,
    BareBolt,
    SwarmbotServe,
    loopback_slack,
    pct,
    signed_slash,
    store_url,
)
from benchmarks.proc_cpu import cpu_seconds  # noqa: E402

SIDES = ("swarmbot", "bare bolt")


class Connection:
    """One keep-alive connection to one server, one person sending `/swarm help`."""

    def __init__(self, n: int, answers: Answers) -> None:
        self.user = f"U0HELP{n:03d}"
        self.answers = answers
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1))
        self.sent = 0

    async def run(self, url: str, requests: int, tag: str, timeout: float) -> list[float]:
        """`requests` one after another; each one's ack latency (s)."""
        acks = []
        for _ in range(requests):
            self.sent += 1
            rid = f"{tag}.{self.user}.{self.sent}"
            body, headers = signed_slash("help", self.user, self.answers.url(rid),
                                         f"t.{rid}.{time.monotonic_ns()}")
            started = time.perf_counter()
            async with self.http.post(url + "/slack/events", data=body, headers=headers) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(f"{tag}: /swarm help answered HTTP {r.status}")
            acks.append(time.perf_counter() - started)
            await self.answers.wait(rid, timeout)
        return acks


async def one_round(connections: list[Connection], url: str, per: int, tag: str, pid: int,
                    timeout: float) -> dict[str, Any]:
    used, ours = cpu_seconds(pid), time.process_time()
    started = time.perf_counter()
    acks = await asyncio.gather(*(c.run(url, per, tag, timeout) for c in connections))
    elapsed = time.perf_counter() - started
    n = per * len(connections)
    return {"answered_per_s": n / elapsed, "ack_s": [a for ack in acks for a in ack],
            "cpu_ms_per_request": 1000 * (cpu_seconds(pid) - used) / n,
            # this process's (the load, the fake Slack, the recorder): not the bottleneck?
            "load_cpu_ms_per_request": 1000 * (time.process_time() - ours) / n}


async def measure(rounds: int = 9, connections: int = 50, per: int = 20,
                  store: str = "sqlite") -> dict[str, Any]:
    timeout = 60.0  # bounded: a request never answered fails the run
    out: dict[str, Any] = {"rounds": rounds, "connections": connections,
                           "per_connection": per, "store": store,
                           "sides": {s: [] for s in SIDES}}
    with store_url(store) as url, tempfile.TemporaryDirectory() as tmp:
        async with loopback_slack() as (fake, answers), aiohttp.ClientSession() as http:
            api = fake.base_url + "api/"
            swarmbot, bolt = SwarmbotServe(Path(tmp), api, url), BareBolt(Path(tmp), api)
            conns = [Connection(n, answers) for n in range(connections)]
            try:
                await asyncio.gather(swarmbot.start(http), bolt.start(http))
                assert swarmbot.proc is not None and bolt.proc is not None
                sides = {"swarmbot": (swarmbot.base, swarmbot.proc.pid),
                         "bare bolt": (bolt.base, bolt.proc.pid)}
                for name, (base, pid) in sides.items():  # warm up: connections, users.info
                    await one_round(conns, base, 5, f"warm-{name}", pid, timeout)
                for r in range(rounds):
                    for name in SIDES[r % 2:] + SIDES[:r % 2]:
                        base, pid = sides[name]
                        out["sides"][name].append(
                            await one_round(conns, base, per, f"{r}-{name}", pid, timeout))
                out["refused"] = answers.refused()
            except BaseException:
                print(swarmbot.log_tail(), file=sys.stderr)
                raise
            finally:
                for c in conns:
                    await c.http.close()
                await asyncio.gather(swarmbot.stop(), bolt.stop())
    out["summary"] = {name: summary(runs) for name, runs in out["sides"].items()}
    s = out["summary"]
    out["ratio"] = s["swarmbot"]["answered_per_s"] / s["bare bolt"]["answered_per_s"]
    # Each round's ratio to the other side's round next to it: the machine's drift cancels.
    out["round_ratios"] = [a["answered_per_s"] / b["answered_per_s"] for a, b in
                           zip(out["sides"]["swarmbot"], out["sides"]["bare bolt"], strict=True)]
    return out


def summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    rates = [r["answered_per_s"] for r in runs]
    acks = [a for r in runs for a in r["ack_s"]]
    return {"answered_per_s": statistics.median(rates), "min": min(rates), "max": max(rates),
            "ack_p50_ms": pct(acks, 50) * 1000, "ack_p99_ms": pct(acks, 99) * 1000,
            "cpu_ms_per_request": statistics.median(r["cpu_ms_per_request"] for r in runs),
            "load_cpu_ms_per_request": statistics.median(r["load_cpu_ms_per_request"]
                                                         for r in runs)}


def report(r: dict[str, Any]) -> None:
    print(f"Slack `/swarm help`, {r['connections']} connections each waiting for its answer "
          f"on response_url, {r['rounds']} rounds x {r['connections'] * r['per_connection']} "
          f"requests per side, alternating (swarmbot: {r['store']})")
    print(f"{'':10} {'answered/s':>11} {'min-max':>11} {'ack p50':>9} {'ack p99':>9} "
          f"{'server CPU/req':>15} {'load CPU/req':>13}")
    for name, s in r["summary"].items():
        print(f"{name:10} {s['answered_per_s']:11.0f} {s['min']:5.0f}-{s['max']:<5.0f} "
              f"{s['ack_p50_ms']:7.1f}ms {s['ack_p99_ms']:7.1f}ms "
              f"{s['cpu_ms_per_request']:13.2f}ms {s['load_cpu_ms_per_request']:11.2f}ms")
    each = " ".join(f"{x:.2f}" for x in r["round_ratios"])
    print(f"swarmbot / bare bolt answered/s = {r['ratio']:.2f}x (target >= 1.0; round by round "
          f"{each}, median {statistics.median(r['round_ratios']):.2f}x)")
    if r["refused"]:
        print(f"{len(r['refused'])} answers were errors, e.g. {r['refused'][:3]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.help_vs_bolt",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9, help="per side")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--per-connection", type=int, default=20, help="requests per round")
    ap.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite",
                    help="swarmbot's; postgres: a throwaway cluster (benchmarks/pg_common.py)")
    ap.add_argument("--quick", action="store_true",
                    help="1 round of 3 requests per connection (the smoke test)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.per_connection = 1, 3
    r = asyncio.run(measure(args.rounds, args.connections, args.per_connection, args.store))
    report(r)
    if args.json:
        args.json.write_text(json.dumps(r, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
