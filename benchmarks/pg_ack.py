"""The Slack ack path on one replica: the same `serve` app on PostgreSQL and on SQLite, side
by side in one run (the ratio is the figure; the machine is shared and noisy).

    python benchmarks/pg_ack.py [--rounds 7] [--requests 200]

Each app is served by aiohttp on 127.0.0.1 and gets the same signed `/swarm help` requests
(benchmarks/slack_ack.py's rounds), in interleaved rounds: ack latency (signature check,
inbox row, ack) and done requests/s (acked, run in its transaction, answered on
response_url at the loopback fake Slack). PostgreSQL is a throwaway cluster on loopback
(benchmarks/pg_common.py): each statement is a round trip there, in-process on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.serve import build_server  # noqa: E402
from adapters.slack.server import SLACK_RUNTIME  # noqa: E402
from benchmarks.pg_common import cluster, migrated  # noqa: E402
from benchmarks.slack_ack import one_round  # noqa: E402
from bot.config import Config  # noqa: E402
from testkit.loopback import serve  # noqa: E402
from testkit.slack.fake_slack import TOKEN, FakeSlack  # noqa: E402
from testkit.slack.signing import SIGNING_SECRET  # noqa: E402


async def _measure(url: str, rounds: int, requests: int) -> dict[str, Any]:
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    secrets = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    with tempfile.TemporaryDirectory() as tmp:
        apps = {}
        runners = [fake_runner]
        for name in ("sqlite", "postgres"):
            cfg = Config()
            cfg.slack.enabled, cfg.slack.api_url = True, fake.base_url + "api/"
            cfg.slack.triage_channel = "#swarm-triage"
            cfg.store.path = str(Path(tmp) / "bench.db")
            cfg.store.url = url if name == "postgres" else ""
            app = await build_server(cfg, secrets)
            runner, base = await serve(app)
            runners.append(runner)
            apps[name] = (app, base)
        ack: dict[str, list[float]] = {name: [] for name in apps}
        done: dict[str, list[float]] = {name: [] for name in apps}
        async with aiohttp.ClientSession() as session:
            for _, base in apps.values():
                await one_round(session, base, fake, 20)  # warm up
            for r in range(rounds):
                for name in (("sqlite", "postgres") if r % 2 == 0 else ("postgres", "sqlite")):
                    app, base = apps[name]
                    answered = len(fake.responses)
                    started = time.perf_counter()
                    ack[name] += await one_round(session, base, fake, requests)
                    await app[SLACK_RUNTIME].work.drain()  # the work after the acks
                    while len(fake.responses) < answered + requests:
                        await asyncio.sleep(0.001)
                    done[name].append(requests / (time.perf_counter() - started))
        for runner in runners:
            await runner.cleanup()
    return {"rounds": rounds, "requests": requests, "ack_s": ack, "done_per_s": done}


def measure(rounds: int, requests: int) -> dict[str, Any]:
    with cluster() as c:
        return asyncio.run(_measure(migrated(c), rounds, requests))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    r = measure(args.rounds, args.requests)
    med = statistics.median
    print(f"{r['rounds']} interleaved rounds x {r['requests']} signed `/swarm help` requests")
    for name in ("sqlite", "postgres"):
        print(f"  {name:9} median ack {med(r['ack_s'][name]) * 1000:6.2f} ms, "
              f"done {med(r['done_per_s'][name]):6.0f} req/s")
    print(f"  PostgreSQL / SQLite: ack latency "
          f"{med(r['ack_s']['postgres']) / med(r['ack_s']['sqlite']):.2f}x, done req/s "
          f"{med(r['done_per_s']['postgres']) / med(r['done_per_s']['sqlite']):.2f}x")


if __name__ == "__main__":
    main()
