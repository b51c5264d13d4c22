"""[server] in_flight: how many commands one platform of a `serve` runs at once after their
acks (adapters/after_ack.py); the rest wait their turn, first come first started."""

from __future__ import annotations

import asyncio

from adapters.after_ack import MAX_RUNNING, Work
from adapters.slack.server import start_slack
from bot.config import Config
from tests.slack.conftest import SECRETS


async def test_at_most_in_flight_commands_run_at_once_in_the_order_they_came() -> None:
    work, running, most, started = Work(2), 0, 0, []
    release = asyncio.Event()

    async def command(n: int) -> None:
        nonlocal running, most
        started.append(n)
        running += 1
        most = max(most, running)
        await release.wait()  # waiting on the platform
        running -= 1

    for n in range(5):
        work.run_later(f"command {n}", lambda n=n: command(n))
    for _ in range(4):  # a few turns of the loop: the first two take their slots, the
        await asyncio.sleep(0)  # others wait in line (a yield, not a wait for time)
    assert started == [0, 1]
    release.set()
    await work.drain()
    assert most == 2 and started == [0, 1, 2, 3, 4]


async def test_serve_takes_in_flight_from_the_config(slack_config: Config, fake_slack) -> None:
    fake_slack.add_channel("swarm-triage")
    assert slack_config.server.in_flight == MAX_RUNNING  # the default
    slack_config.server.in_flight = 3
    runtime = await start_slack(slack_config, SECRETS)
    try:
        assert runtime.work.max_running == 3
    finally:
        await runtime.close()
