"""Time to swarm on Teams: how long after `open` the case brief is in its new room, with the
Bot Connector (and Microsoft Graph) answering every call after a set latency.

    python benchmarks/teams_swarm.py [--swarms 5] [--latency 0.15]

Two room kinds, as config chooses them: a thread in the swarm channel (the thread is
created with the brief as its root post: one Bot Connector call, the floor is one call
latency after the command), and a channel of its own through Graph (`[teams.graph]`: the
channel is created through Graph, then the brief, the owner's mention and the topic go out
together: the floor is two call latencies).

swarmbot is served by aiohttp on 127.0.0.1 as `serve` builds it (Emulator mode: no app id);
`open` arrives as a personal-chat message on `/api/messages`; the loopback fakes
(testkit/teams/fake_connector.py, fake_graph.py) wait `latency` before each answer and note
when they answered the brief.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.bootstrap import build_core  # noqa: E402
from adapters.teams.endpoint import add_teams_routes, start_teams  # noqa: E402
from bot.config import Config  # noqa: E402
from testkit.loopback import serve  # noqa: E402
from testkit.teams.fake_connector import FakeConnector  # noqa: E402
from testkit.teams.fake_graph import FakeGraph, StaticToken  # noqa: E402

SWARM_CHANNEL = "19:swarm@thread.tacv2"
TEAM = "19:team@thread.tacv2"
# Words only the brief has (bot/services/messages.py): the reply does not. In a thread it is
# the root post (POST /v3/conversations), in a Graph channel a post into it.
BRIEF_MARK = "owns this case and stays with the customer"
_ids = itertools.count(1)


class Answered:
    """When the fakes answered what: (monotonic seconds, "METHOD path", body text)."""

    def __init__(self) -> None:
        self.log: list[tuple[float, str, str]] = []
        self.changed = asyncio.Condition()
        self.latency = 0.0  # set after start-up: the swarms' calls only

    def middleware(self) -> Callable[..., Any]:
        @web.middleware
        async def answer_late(request: web.Request, handler: Callable[..., Any]) -> Any:
            await asyncio.sleep(self.latency)  # the platform's round trip
            response = await handler(request)
            body = await request.text()  # as the handler read it (aiohttp keeps it)
            async with self.changed:
                self.log.append((time.perf_counter(), f"{request.method} {request.path}", body))
                self.changed.notify_all()
            return response
        return answer_late

    def brief_after(self, since: float, ref: str) -> float | None:
        return next((at for at, what, body in self.log if at >= since and
                     what.startswith("POST /v3/conversations") and BRIEF_MARK in body
                     and ref in body), None)


def open_activity(service_url: str, ref: str) -> dict[str, Any]:
    return {"type": "message", "id": f"swarm-{next(_ids)}", "channelId": "msteams",
            "text": f"open {ref} sev2 Acme cannot log in after SSO change",
            "serviceUrl": service_url,
            "from": {"id": "29:1ann-aad", "name": "Ann Owner"},
            "recipient": {"id": "28:bench-bot", "name": "swarmbot"},
            "conversation": {"id": "a:1personal-ann", "conversationType": "personal",
                             "tenantId": "tenant-1"},
            "channelData": {"tenant": {"id": "tenant-1"}}}


async def measure(swarms: int, latency: float = 0.150, graph: bool = False) -> dict[str, Any]:
    """Per `open`: seconds until the fake answered the brief's post, and until the turn's
    HTTP answer (the bot replies in the chat first: one more call)."""
    answered = Answered()
    connector, fake_graph = FakeConnector(), FakeGraph()
    runners = []
    for fake_app in (connector.app(), fake_graph.app()):
        fake_app.middlewares.append(answered.middleware())
        runner, url = await serve(fake_app)
        runners.append((runner, url))
    connector.base_url = runners[0][1] + "/"
    briefs: list[float] = []
    turns: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Config()
        config.store.path = str(Path(tmp) / "bench.db")
        config.teams.enabled = True
        config.teams.swarm_channel_id = SWARM_CHANNEL
        if graph:
            config.teams.swarm_team_id = TEAM
            config.teams.graph.enabled = True
            config.teams.graph.graph_url = runners[1][1] + "/v1.0"
        logging.getLogger("swarmbot").setLevel(logging.ERROR)
        runtime = await start_teams(config, env={}, graph_tokens=StaticToken())
        core = build_core(config, {"teams": runtime.port})
        app = web.Application()
        add_teams_routes(app, runtime, core)
        bot_runner, bot_url = await serve(app)
        answered.latency = latency
        async with aiohttp.ClientSession() as session:
            for n in range(swarms):
                ref = f"ZD-{4711 + n}"
                started = time.perf_counter()
                turn = asyncio.ensure_future(session.post(
                    bot_url + "/api/messages", json=open_activity(connector.base_url, ref)))
                async with answered.changed:
                    at = await asyncio.wait_for(answered.changed.wait_for(
                        lambda r=ref, s=started: answered.brief_after(s, r)),
                        timeout=30 + 20 * latency)
                briefs.append(at - started)
                async with await turn as resp:
                    assert resp.status in (200, 201), resp.status
                turns.append(time.perf_counter() - started)
        await bot_runner.cleanup()
        core.close()
    for runner, _ in runners:
        await runner.cleanup()
    return {"swarms": swarms, "latency": latency, "room": "Graph channel" if graph
            else "thread", "brief_s": briefs, "turn_s": turns,
            "calls": [what for _, what, _ in answered.log]}



def report(r: dict[str, Any]) -> None:
    med = statistics.median
    lat = r["latency"]
    print(f"{r['swarms']} x `open` on Teams ({r['room']}), each call answered after "
          f"{lat * 1000:.0f} ms")
    print(f"  brief posted after {med(r['brief_s']) * 1000:7.1f} ms (median; min "
          f"{min(r['brief_s']) * 1000:.1f}, max {max(r['brief_s']) * 1000:.1f}) = "
          f"{med(r['brief_s']) / lat:.1f} call latencies")
    print(f"  turn answered after {med(r['turn_s']) * 1000:6.1f} ms (median)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--swarms", type=int, default=5)
    ap.add_argument("--latency", type=float, default=0.150, help="seconds per call")
    args = ap.parse_args()
    for graph in (False, True):
        report(asyncio.run(measure(args.swarms, args.latency, graph)))


if __name__ == "__main__":
    main()
