"""Slack ack path: swarmbot (signature check + inbox row + ack, command run after the ack)
against bare slack-bolt (signature check + ack, with process_before_response=True as
swarmbot's app, and with Bolt's default), side by side in one run.

    python benchmarks/slack_ack.py [--rounds 7] [--requests 200]

Both apps are served by aiohttp on 127.0.0.1 and get the same signed `/swarm help`
requests, in interleaved rounds (the machine is shared and noisy: only the ratio measured
in one run means much). swarmbot's work after the ack (running the command, answering on
response_url at a loopback fake Slack) runs on the same event loop, so it is paid for too.
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
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.serve import build_server  # noqa: E402
from adapters.slack.server import SLACK_RUNTIME  # noqa: E402
from bot.config import Config  # noqa: E402
from tests.loopback import serve  # noqa: E402
from tests.slack.fake_slack import TOKEN, FakeSlack  # noqa: E402
from tests.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers  # noqa: E402


def bare_bolt(api_url: str, process_before_response: bool, answer: bool = False
              ) -> web.Application:
    from slack_sdk.web.async_client import AsyncWebClient

    # Bolt's default runs the listener in a task and polls for its ack every 10 ms;
    # process_before_response=True acks inline, as swarmbot's app does.
    bolt = AsyncApp(signing_secret=SIGNING_SECRET, process_before_response=process_before_response,
                    client=AsyncWebClient(token=TOKEN, base_url=api_url))

    if answer:
        @bolt.command("/swarm")
        async def ack_and_answer(ack, respond) -> None:  # noqa: ANN001 - Bolt's arguments
            await ack()
            await respond("Commands: open, need, join …")  # on response_url, as swarmbot
    else:
        @bolt.command("/swarm")
        async def ack_only(ack) -> None:  # noqa: ANN001 - Bolt's ack
            await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(
            await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    return app


async def one_round(session: aiohttp.ClientSession, url: str, fake: FakeSlack,
                    n: int) -> list[float]:
    latencies = []
    for i in range(n):
        fields = payload("slash_command.json")
        fields.update(text="help", response_url=fake.response_url(f"b{i}"),
                      trigger_id=f"t{time.perf_counter_ns()}")
        body = form_body(fields)
        started = time.perf_counter()
        async with session.post(url + "/slack/events", data=body.encode(), headers=signed_headers(
                body, "application/x-www-form-urlencoded")) as resp:
            await resp.read()
            assert resp.status == 200, resp.status
        latencies.append(time.perf_counter() - started)
    return latencies


async def measure(rounds: int, requests: int) -> dict[str, Any]:
    """Every side's ack latencies (s) and done req/s per round, from one interleaved run."""
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
        ours_runner, ours_url = await serve(ours)
        bare_runner, bare_url = await serve(bare_bolt(api_url, True))
        default_runner, default_url = await serve(bare_bolt(api_url, False))
        answer_runner, answer_url = await serve(bare_bolt(api_url, True, answer=True))
        targets = [("swarmbot", ours_url), ("bare bolt", bare_url),
                   ("bolt default", default_url), ("bolt+answer", answer_url)]
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
                        while len(fake.responses) < answered + requests:
                            await asyncio.sleep(0.001)
                    done[name].append(requests / (time.perf_counter() - started))
        for runner in (ours_runner, bare_runner, default_runner, answer_runner, fake_runner):
            await runner.cleanup()
    return {"rounds": rounds, "requests": requests, "ack_s": results, "done_per_s": done}


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
    args = parser.parse_args()
    report(asyncio.run(measure(args.rounds, args.requests)))
