"""Slack ack path: swarmbot (signature check + inbox row + ack, command run after the ack)
against bare slack-bolt (signature check + ack, with process_before_response=True as
swarmbot's app, and with Bolt's default), side by side in one run.

    python benchmarks/slack_ack.py [--rounds 7] [--requests 200] [--rate 200 --seconds 2]

Both apps are served by aiohttp on 127.0.0.1 and get the same signed `/swarm help`
requests, in interleaved rounds (the machine is shared and noisy: only the ratio measured
in one run means much). swarmbot's work after the ack (running the command, answering on
response_url at a loopback fake Slack) runs on the same event loop, so it is paid for too.

Two loads: one request after another (`measure`: acks/s and acked-and-answered req/s), and
an open loop at a fixed rate (`measure_rate`: requests sent on a clock whether or not the
earlier ones were answered, as Slack sends them; latency counted from the moment each was
due, so a server that falls behind is charged for the wait).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.serve import build_server, freeze_start_up_heap  # noqa: E402
from adapters.slack.server import SLACK_RUNTIME  # noqa: E402
from benchmarks.bare_bolt import bare_bolt  # noqa: E402
from benchmarks.proc_cpu import cpu_seconds  # noqa: E402
from bot.config import Config  # noqa: E402
from testkit.loopback import serve  # noqa: E402
from testkit.slack.fake_slack import TOKEN, FakeSlack  # noqa: E402
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers  # noqa: E402


async def one_round(session: aiohttp.ClientSession, url: str, fake: FakeSlack,
                    n: int) -> list[float]:
    latencies = []
    for i in range(n):
        body, headers = signed_command(fake, i)
        started = time.perf_counter()
        async with session.post(url + "/slack/events", data=body, headers=headers) as resp:
            await resp.read()
            assert resp.status == 200, resp.status
        latencies.append(time.perf_counter() - started)
    return latencies


def signed_command(fake: FakeSlack, i: int) -> tuple[bytes, dict[str, str]]:
    fields = payload("slash_command.json")
    fields.update(text="help", response_url=fake.response_url(f"b{i}"),
                  trigger_id=f"t{time.perf_counter_ns()}-{i}")
    body = form_body(fields)
    return body.encode(), signed_headers(body, "application/x-www-form-urlencoded")


async def paced_round(session: aiohttp.ClientSession, url: str, fake: FakeSlack, rate: float,
                      seconds: float) -> list[float]:
    """Ack latencies (s) of requests sent at `rate` per second for `seconds`, each counted
    from when it was due (the bodies are signed beforehand: only the server is timed)."""
    requests = [signed_command(fake, i) for i in range(int(rate * seconds))]
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    latencies: list[float] = []

    async def one(i: int, body: bytes, headers: dict[str, str]) -> None:
        due = start + i / rate
        await asyncio.sleep(due - loop.time())  # open loop: sent on the clock
        async with session.post(url + "/slack/events", data=body, headers=headers) as resp:
            await resp.read()
            assert resp.status == 200, resp.status
        latencies.append(loop.time() - due)

    await asyncio.gather(*(one(i, b, h) for i, (b, h) in enumerate(requests)))
    return latencies


async def wait_answered(fake: FakeSlack, count: int) -> None:
    while len(fake.responses) < count:
        await asyncio.sleep(0.001)  # polling the loopback fake, not hiding a race


async def serve_one(kind: str, api_url: str, port_file: str, db: str) -> None:
    """One side of the open-loop run, in a process of its own (see measure_rate)."""
    if kind == "swarmbot":
        cfg = Config()
        cfg.slack.enabled, cfg.slack.api_url = True, api_url
        cfg.slack.triage_channel = "#swarm-triage"
        cfg.store.path = db
        app = await build_server(cfg, {"SLACK_BOT_TOKEN": TOKEN,
                                       "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    else:
        app = bare_bolt(api_url, True, answer=True)
    runner, url = await serve(app)
    if kind == "swarmbot":
        freeze_start_up_heap()  # as `swarmbot serve` does (adapters/serve.py:run)
    await publish(runner, url, port_file)


async def publish(runner: web.AppRunner, url: str, port_file: str) -> None:
    """Say where the server listens, then serve until terminated."""
    Path(port_file).write_text(url)
    try:
        await asyncio.Event().wait()  # until the benchmark terminates this process
    finally:
        await runner.cleanup()


async def start_side(kind: str, api_url: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port_file = tmp / f"{kind}.url"
    # The bare Bolt app runs from a module that imports Bolt and aiohttp only (its memory
    # is a baseline too: benchmarks/serve_rss.py).
    script = __file__ if kind == "swarmbot" else str(Path(__file__).with_name("bare_bolt.py"))
    proc = subprocess.Popen([sys.executable, script, "--serve", kind, "--api-url", api_url,
                             "--port-file", str(port_file), "--db", str(tmp / "rate.db")],
                            cwd=Path(__file__).resolve().parent.parent,
                            stderr=subprocess.DEVNULL)
    for _ in range(600):
        if port_file.exists() and port_file.read_text():
            return proc, port_file.read_text()
        if proc.poll() is not None:
            raise RuntimeError(f"the {kind} server exited with {proc.returncode}")
        await asyncio.sleep(0.05)  # waiting for a subprocess to start listening
    raise RuntimeError(f"the {kind} server did not start")


async def measure_rate(rounds: int, rate: float, seconds: float) -> dict[str, Any]:
    """swarmbot and bare Bolt (acking and answering) under the same open-loop load, in
    alternating rounds; every request's ack latency (s) per side. Each server runs in a
    process of its own (this one sends the requests and is the fake Slack that takes the
    answers on response_url), so neither pays for the load generator."""
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as tmpdir:
            targets = []
            for name, kind in (("swarmbot", "swarmbot"), ("bolt+answer", "bolt")):
                proc, url = await start_side(kind, fake.base_url + "api/", Path(tmpdir))
                procs.append(proc)
                targets.append((name, url))
            latencies: dict[str, list[float]] = {name: [] for name, _ in targets}
            cpu: dict[str, float] = {name: 0.0 for name, _ in targets}
            pids = {name: proc.pid for (name, _), proc in zip(targets, procs, strict=True)}
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                for _, url in targets:
                    answered = len(fake.responses)
                    await one_round(session, url, fake, 50)  # warm up
                    await wait_answered(fake, answered + 50)
                for r in range(rounds):
                    for name, url in targets[r % 2:] + targets[:r % 2]:
                        answered, used = len(fake.responses), cpu_seconds(pids[name])
                        lat = await paced_round(session, url, fake, rate, seconds)
                        latencies[name] += lat
                        await wait_answered(fake, answered + len(lat))
                        cpu[name] += cpu_seconds(pids[name]) - used
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        await fake_runner.cleanup()
    return {"rounds": rounds, "rate": rate, "seconds": seconds, "ack_s": latencies,
            "cpu_ms_per_request": {k: 1000 * v / len(latencies[k]) for k, v in cpu.items()}}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[tuple[FakeSlack, web.Application, dict[str, str]]]:
    """The fake Slack, swarmbot's server and the bare Bolt apps, each on 127.0.0.1."""
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    api_url = fake.base_url + "api/"
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config()
        cfg.slack.enabled, cfg.slack.api_url = True, api_url
        cfg.slack.triage_channel = "#swarm-triage"
        cfg.store.path = str(Path(tmp) / "bench.db")
        ours = await build_server(cfg, {"SLACK_BOT_TOKEN": TOKEN,
                                        "SLACK_SIGNING_SECRET": SIGNING_SECRET})
        runners, urls = [fake_runner], {}
        for name, app in (("swarmbot", ours), ("bare bolt", bare_bolt(api_url, True)),
                          ("bolt default", bare_bolt(api_url, False)),
                          ("bolt+answer", bare_bolt(api_url, True, answer=True))):
            runner, urls[name] = await serve(app)
            runners.append(runner)
        try:
            yield fake, ours, urls
        finally:
            for runner in reversed(runners):
                await runner.cleanup()


async def measure(rounds: int, requests: int) -> dict[str, Any]:
    """Every side's ack latencies (s) and done req/s per round, from one interleaved run."""
    async with servers() as (fake, ours, urls):
        targets = list(urls.items())
        results: dict[str, list[float]] = {name: [] for name, _ in targets}
        # Same load, done end to end: from a round's first request until every request of
        # it is acked and answered on response_url (swarmbot answers after the ack, with
        # the inbox row, the command's transaction and its outbox check paid for).
        done: dict[str, list[float]] = {name: [] for name, _ in targets}
        async with aiohttp.ClientSession() as session:
            for _, url in targets:
                await one_round(session, url, fake, 20)  # warm up
            for r in range(rounds):
                for name, url in targets[r % 4:] + targets[:r % 4]:
                    answered = len(fake.responses)
                    started = time.perf_counter()
                    results[name] += await one_round(session, url, fake, requests)
                    await ours[SLACK_RUNTIME].work.drain()  # let the lazy work finish
                    if name in ("swarmbot", "bolt+answer"):
                        await wait_answered(fake, answered + requests)
                    done[name].append(requests / (time.perf_counter() - started))
    return {"rounds": rounds, "requests": requests, "ack_s": results, "done_per_s": done}


def report_rate(result: dict[str, Any]) -> None:
    print(f"open loop: {result['rate']:.0f} req/s for {result['seconds']} s, "
          f"{result['rounds']} rounds per side")
    for name, lat in result["ack_s"].items():
        print(f"{name:12} p50 {pct(lat, 50) * 1000:7.2f} ms   p99 {pct(lat, 99) * 1000:7.2f} ms"
              f"   max {max(lat) * 1000:7.2f} ms   server CPU "
              f"{result['cpu_ms_per_request'][name]:.2f} ms/request")


def report(result: dict[str, Any]) -> None:
    results, done = result["ack_s"], result["done_per_s"]
    print(f"{result['rounds']} interleaved rounds x {result['requests']} signed `/swarm help` "
          "requests each")
    print(f"{'':12} {'median ack ms':>14} {'p90 ack ms':>11} {'acks/s':>8} {'done req/s':>11}")
    for name, lat in results.items():
        lat.sort()
        p90 = lat[int(len(lat) * 0.9)]
        print(f"{name:12} {statistics.median(lat) * 1000:14.2f} {p90 * 1000:11.2f} "
              f"{len(lat) / sum(lat):8.0f} {statistics.median(done[name]):11.0f}")
    ratio = statistics.median(done["swarmbot"]) / statistics.median(done["bolt+answer"])
    print(f"swarmbot acked-and-answered req/s = {ratio:.2f}x bare bolt acking and answering "
          "on response_url")
    ours = statistics.median(results["swarmbot"])
    for name in ("bare bolt", "bolt default"):
        print(f"swarmbot median ack latency = {ours / statistics.median(results[name]):.2f}x "
              f"{name}'s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200, help="open-loop requests/s")
    parser.add_argument("--seconds", type=float, default=2, help="per open-loop round")
    parser.add_argument("--serve", choices=["swarmbot", "bolt"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--port-file", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve_one(args.serve, args.api_url, args.port_file, args.db))
        sys.exit(0)
    report(asyncio.run(measure(args.rounds, args.requests)))
    report_rate(asyncio.run(measure_rate(max(3, args.rounds // 2), args.rate, args.seconds)))
