"""The baseline of the Slack benchmarks: a bare Bolt app on aiohttp, nothing of swarmbot.

Imported by benchmarks/slack_ack.py; run as a script it serves the app that acks and
answers on response_url in a process of its own (importing Bolt and aiohttp only, so that
its memory is a baseline too):

    python benchmarks/bare_bolt.py --serve bolt --api-url URL --port-file FILE
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testkit.loopback import serve  # noqa: E402
from testkit.slack.fake_slack import TOKEN  # noqa: E402
from testkit.slack.signing import SIGNING_SECRET  # noqa: E402


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


async def main(api_url: str, port_file: str) -> None:
    runner, url = await serve(bare_bolt(api_url, True, answer=True))
    Path(port_file).write_text(url)
    try:
        await asyncio.Event().wait()  # until the benchmark terminates this process
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--serve", choices=["bolt"], required=True)
    ap.add_argument("--api-url", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--db", help="unused (the same arguments as slack_ack.py's)")
    args = ap.parse_args()
    asyncio.run(main(args.api_url, args.port_file))
