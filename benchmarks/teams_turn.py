"""A Teams message turn: swarmbot against stock botbuilder, side by side in one run.

    python benchmarks/teams_turn.py [--rounds 7] [--turns 200] [--concurrency 1]

Stock: a plain `CloudAdapter` + `ActivityHandler` echo bot served by stock
botbuilder-integration-aiohttp (`adapter.process`). swarmbot: `/api/messages` from
adapters/teams running the real command `status ZD-1` (inbox row, core.handle reading
SQLite, an Adaptive Card reply). Both reply through the Bot Connector: a loopback fake
connector in this process, at the activity's serviceUrl.

Each server runs in its own subprocess (so swarmbot's process-wide msrest fix cannot speed
up the stock side), both in Emulator mode (no app id: the stock side cannot fetch tokens
from a loopback issuer, see adapters/teams/auth.py), and this process sends the same
activities to each in interleaved rounds. The machine is shared and noisy: only the ratio
measured in one run means much. Reports the median turns/s of each side and the ratio.

A turn is over when its reply reaches the connector: stock botbuilder replies inside the
request; swarmbot answers the request once the activity is in its inbox and replies after
(adapters/teams/bot.py), so a round ends only when the last reply has arrived, and each
turn's request-to-reply time is reported (`reply_ms`) beside the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.proc_cpu import cpu_seconds  # noqa: E402
from testkit.teams.fake_connector import FakeConnector  # noqa: E402

_ids = itertools.count(1)
IDLE_TURNS = 100


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"p50": round(1000 * statistics.median(ordered), 2),
            "p99": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 2)}


def activity(service_url: str, text: str) -> dict[str, Any]:
    return {"type": "message", "id": f"bench-{next(_ids)}", "text": text,
            "channelId": "msteams", "serviceUrl": service_url,
            "from": {"id": "29:1ann-aad", "name": "Ann Owner"},
            "recipient": {"id": "28:bench-bot", "name": "swarmbot"},
            "conversation": {"id": "a:1personal-ann", "conversationType": "personal",
                             "tenantId": "tenant-1"},
            "channelData": {"tenant": {"id": "tenant-1"}}}


async def serve(app: web.Application, port_file: str,
                started: Callable[[], None] | None = None) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    if started is not None:
        started()  # after start-up, as `swarmbot serve` (adapters/serve.py:run)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    Path(port_file).write_text(str(runner.addresses[0][1]))
    await asyncio.Event().wait()


async def serve_stock(port_file: str) -> None:
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )

    class Settings:
        APP_ID = ""
        APP_PASSWORD = ""

    class Echo(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"echo: {turn_context.activity.text}")

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Settings()))
    bot = Echo()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    await serve(app, port_file)


async def serve_swarmbot(port_file: str, db: str) -> None:
    from adapters.bootstrap import build_core
    from adapters.teams.endpoint import add_teams_routes, start_teams
    from bot.config import Config

    config = Config()
    config.store.path = db
    config.teams.enabled = True
    config.teams.swarm_channel_id = "19:swarm@thread.tacv2"
    logging.getLogger("swarmbot").setLevel(logging.ERROR)
    runtime = await start_teams(config, env={})
    core = build_core(config, {"teams": runtime.port})
    app = web.Application()
    add_teams_routes(app, runtime, core)
    from adapters.serve import freeze_start_up_heap

    await serve(app, port_file, freeze_start_up_heap)


class Replies:
    """When each turn's reply reached the fake connector (the turn is over for the user
    then, whether the bot answered Teams before or after it replied)."""

    def __init__(self, connector: FakeConnector) -> None:
        self.sent: dict[str, float] = {}
        self.latencies: list[float] = []
        self._waiting = 0
        self._all_in = asyncio.Event()
        connector.on_call = self._arrived

    def expect(self, turns: int) -> None:
        self.latencies, self._waiting = [], turns
        self._all_in.clear()

    def _arrived(self, call: Any) -> None:
        reply_to = call.path.rsplit("/", 1)[-1]
        started = self.sent.pop(reply_to, None)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)
            self._waiting -= 1
            if self._waiting <= 0:
                self._all_in.set()

    async def all_in(self) -> None:
        await self._all_in.wait()


async def run_round(session: aiohttp.ClientSession, url: str, service_url: str, text: str,
                    turns: int, concurrency: int, replies: Replies) -> tuple[float, list[float]]:
    """Turns per second, from the first request until the last reply reached the connector,
    and each turn's time from its request to its reply."""
    async def one() -> None:
        act = activity(service_url, text)
        replies.sent[act["id"]] = time.perf_counter()
        async with session.post(url, json=act) as resp:
            if resp.status not in (200, 201):
                raise RuntimeError(f"{url} answered {resp.status}: {await resp.text()}")

    async def worker(n: int) -> None:
        for _ in range(n):
            await one()

    replies.expect(turns)
    start = time.perf_counter()
    share = [turns // concurrency + (i < turns % concurrency) for i in range(concurrency)]
    await asyncio.gather(*(worker(n) for n in share))
    await asyncio.wait_for(replies.all_in(), 60)
    return turns / (time.perf_counter() - start), replies.latencies


def start_server(kind: str, tmp: Path) -> tuple[subprocess.Popen[bytes], Path]:
    port_file = tmp / f"{kind}.port"
    cmd = [sys.executable, __file__, "--serve", kind, "--port-file", str(port_file),
           "--db", str(tmp / "bench.db")]
    return subprocess.Popen(cmd, cwd=ROOT), port_file


async def wait_port(port_file: Path, proc: subprocess.Popen[bytes]) -> int:
    for _ in range(300):
        if port_file.exists() and port_file.read_text():
            return int(port_file.read_text())
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        await asyncio.sleep(0.05)  # waiting for a subprocess to start listening
    raise RuntimeError("server did not start")


async def bench(rounds: int, turns: int, concurrency: int) -> dict[str, Any]:
    connector = FakeConnector()
    service_url = await connector.start()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        procs = {kind: start_server(kind, tmp) for kind in ("stock", "swarmbot")}
        try:
            urls = {kind: f"http://127.0.0.1:{await wait_port(pf, p)}/api/messages"
                    for kind, (p, pf) in procs.items()}
            texts = {"stock": "status ZD-1", "swarmbot": "status ZD-1"}
            results: dict[str, list[float]] = {k: [] for k in urls}
            latencies: dict[str, list[float]] = {k: [] for k in urls}
            cpu: dict[str, float] = {k: 0.0 for k in urls}
            replies = Replies(connector)
            async with aiohttp.ClientSession() as session:
                # Warm-up: the case exists (its thread too), caches and connections are made.
                await run_round(session, urls["swarmbot"], service_url,
                                "open ZD-1 sev3 benchmark case", 1, 1, replies)
                for kind in urls:
                    await run_round(session, urls[kind], service_url, texts[kind], 20, 1,
                                    replies)
                for r in range(rounds):
                    order = list(urls) if r % 2 == 0 else list(reversed(urls))
                    for kind in order:
                        used = cpu_seconds(procs[kind][0].pid)
                        rate, lat = await run_round(session, urls[kind], service_url,
                                                    texts[kind], turns, concurrency, replies)
                        results[kind].append(rate)
                        latencies[kind] += lat
                        cpu[kind] += cpu_seconds(procs[kind][0].pid) - used
                # One turn at a time, each waiting for its reply: what one person waits for
                # on an otherwise idle bot.
                idle: dict[str, list[float]] = {k: [] for k in urls}
                for _ in range(IDLE_TURNS):
                    for kind in urls:
                        idle[kind] += (await run_round(session, urls[kind], service_url,
                                                       texts[kind], 1, 1, replies))[1]
        finally:
            for proc, _ in procs.values():
                proc.terminate()
                proc.wait(timeout=10)
    await connector.stop()
    medians = {k: statistics.median(v) for k, v in results.items()}
    return {"rounds": rounds, "turns_per_round": turns, "concurrency": concurrency,
            "median_turns_per_s": {k: round(v, 1) for k, v in medians.items()},
            "all_rounds": {k: [round(x, 1) for x in v] for k, v in results.items()},
            "ratio": round(medians["swarmbot"] / medians["stock"], 2),
            # What a turn costs the server, whatever else the shared machine was doing.
            "server_cpu_ms_per_turn": {k: round(1000 * v / (rounds * turns), 3)
                                       for k, v in cpu.items()},
            # From each request to its reply at the connector, all rounds.
            "reply_ms": {k: percentiles(v) for k, v in latencies.items()},
            "idle_reply_ms": {k: percentiles(v) for k, v in idle.items()},
            "idle_reply_s": idle,
            "connector_calls": len(connector.calls)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--serve", choices=["stock", "swarmbot"], help=argparse.SUPPRESS)
    parser.add_argument("--port-file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "stock":
        asyncio.run(serve_stock(args.port_file))
    elif args.serve == "swarmbot":
        asyncio.run(serve_swarmbot(args.port_file, args.db))
    else:
        result = asyncio.run(bench(args.rounds, args.turns, args.concurrency))
        print(json.dumps(result, indent=2))
        m = result["median_turns_per_s"]
        print(f"\nswarmbot {m['swarmbot']} turns/s vs stock botbuilder {m['stock']} turns/s: "
              f"{result['ratio']}x (median of {args.rounds} interleaved rounds, "
              f"{os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
