"""Time to swarm: how long after `/swarm open` the case brief appears in its new channel,
with the fake Slack answering every Web API call after a set latency (150 ms: a hosted
server's round trip).

    python benchmarks/time_to_swarm.py [--swarms 5] [--latency 0.15]

swarmbot is served by aiohttp on 127.0.0.1 as `serve` builds it; signed slash commands go
into `/slack/events`; the fake Slack (testkit/slack/fake_slack.py) records when it answers
`chat.postMessage` with the brief. The calls a swarm needs are create channel, set topic,
invite the owner and post the brief: only the create must come first, so the floor is two
call latencies after the command.
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
from bot.config import Config  # noqa: E402
from testkit.loopback import serve  # noqa: E402
from testkit.slack.fake_slack import TOKEN, FakeSlack  # noqa: E402
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers  # noqa: E402


def _brief_in(fake: FakeSlack, ref: str) -> bool:
    """The first message in the case's own channel is its brief."""
    slug = ref.lower()
    return any(slug in fake.channels[m["channel"]].name for m in fake.messages
               if m["channel"] in fake.channels)


async def measure(swarms: int, latency: float = 0.150) -> dict[str, Any]:
    """Per `/swarm open`: seconds to its ack, and to its brief in the new channel."""
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    acks, briefs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config()
        cfg.slack.enabled, cfg.slack.api_url = True, fake.base_url + "api/"
        cfg.slack.triage_channel = "#swarm-triage"
        cfg.store.path = str(Path(tmp) / "bench.db")
        app = await build_server(cfg, {"SLACK_BOT_TOKEN": TOKEN,
                                       "SLACK_SIGNING_SECRET": SIGNING_SECRET})
        runner, url = await serve(app)
        fake.latency = latency  # after start-up (auth.test), for the swarms only
        async with aiohttp.ClientSession() as session:
            for n in range(swarms):
                ref = f"ZD-{4711 + n}"
                fields = payload("slash_command.json")
                fields.update(text=f"open {ref} sev2 Acme cannot log in after SSO change",
                              response_url=fake.response_url(f"s{n}"),
                              trigger_id=f"t{time.perf_counter_ns()}")
                body = form_body(fields)
                started = time.perf_counter()
                async with session.post(url + "/slack/events", data=body.encode(),
                                        headers=signed_headers(
                                            body, "application/x-www-form-urlencoded")) as resp:
                    await resp.read()
                    assert resp.status == 200, resp.status
                acks.append(time.perf_counter() - started)
                async with fake.posted:
                    await asyncio.wait_for(fake.posted.wait_for(lambda r=ref: _brief_in(fake, r)),
                                           timeout=30 + 20 * latency)
                briefs.append(time.perf_counter() - started)
        await runner.cleanup()
    await fake_runner.cleanup()
    return {"swarms": swarms, "latency": latency, "ack_s": acks, "brief_s": briefs,
            "calls": sorted({c.method for c in fake.calls})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--swarms", type=int, default=5)
    ap.add_argument("--latency", type=float, default=0.150, help="seconds per Web API call")
    args = ap.parse_args()
    r = asyncio.run(measure(args.swarms, args.latency))
    med = statistics.median
    print(f"{args.swarms} x `/swarm open`, Slack answering each call after "
          f"{args.latency * 1000:.0f} ms")
    print(f"  acked after       {med(r['ack_s']) * 1000:7.1f} ms (median)")
    print(f"  brief posted after {med(r['brief_s']) * 1000:7.1f} ms (median; min "
          f"{min(r['brief_s']) * 1000:.1f}, max {max(r['brief_s']) * 1000:.1f}) = "
          f"{med(r['brief_s']) / args.latency:.1f} call latencies")


if __name__ == "__main__":
    main()
