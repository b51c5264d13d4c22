"""Drive the real serve app the way Slack does: signed slash commands, clicks on the buttons
the bot really posted, form submissions and Events API callbacks."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
from typing import Any

from aiohttp.test_utils import TestClient

from adapters.slack.server import SLACK_RUNTIME, SlackRuntime
from testkit.slack.fake_slack import FakeSlack
from testkit.slack.signing import form_body, interactive_body, payload, signed_headers

FORM = "application/x-www-form-urlencoded"
_seq = itertools.count(1)


class SlackHarness:
    def __init__(self, client: TestClient, fake: FakeSlack) -> None:
        self.client = client
        self.fake = fake
        self.runtime: SlackRuntime = client.server.app[SLACK_RUNTIME]
        self.store = self.runtime.dispatcher.entrance.deps.store  # type: ignore[union-attr]

    async def post(self, body: str, content_type: str, **headers: str) -> Any:
        # Tests talk only to 127.0.0.1: a recorded payload's real response_url must be replaced.
        assert "hooks.slack.com" not in body, "point response_url at the fake Slack"
        return await self.client.post("/slack/events", data=body.encode(),
                                      headers={**signed_headers(body, content_type), **headers})

    async def drain(self) -> None:
        """Until the inbox's backlog (at start-up) and every acked command are done."""
        assert self.runtime.dispatcher is not None
        await asyncio.wait_for(self.runtime.dispatcher.entrance.replays.backlog_done.wait(), 30)
        await self.runtime.work.drain()

    async def command(self, text: str, user: str, channel: str = "C2147483705",
                      drain: bool = True) -> Any:
        fields = payload("slash_command.json")
        n = next(_seq)
        fields.update(text=text, user_id=user, user_name=user.lower(), channel_id=channel,
                      response_url=self.fake.response_url(f"cmd{n}"),
                      trigger_id=f"trigger.cmd.{n}")
        resp = await self.post(form_body(fields), FORM)
        if drain:
            await self.drain()
        return resp

    def button(self, message: dict[str, Any], label: str) -> dict[str, Any]:
        for block in message["blocks"]:
            for element in block.get("elements", []):
                if element.get("type") == "button" and element["text"]["text"] == label:
                    return {**element, "block_id": block.get("block_id", "b")}
        raise AssertionError(f"no button {label!r} in {json.dumps(message['blocks'])[:500]}")

    async def click(self, message: dict[str, Any], label: str, user: str) -> Any:
        data = payload("block_actions.json")
        n = next(_seq)
        element = self.button(message, label)
        data["user"] = {"id": user, "username": user.lower(), "name": user.lower()}
        data["channel"] = {"id": message["channel"], "name": "x"}
        data["container"]["channel_id"] = message["channel"]
        data["container"]["message_ts"] = message["ts"]
        data["message"] = {"type": "message", "ts": message["ts"], "text": message["text"],
                           "blocks": message["blocks"]}
        data["trigger_id"] = f"trigger.click.{n}"
        data["response_url"] = self.fake.response_url(f"click{n}")
        data["actions"] = [{**element, "action_ts": "1548426417.840180"}]
        resp = await self.post(interactive_body(data), FORM)
        await self.drain()
        return resp

    async def submit(self, view: dict[str, Any], values: dict[str, dict[str, Any]],
                     user: str) -> Any:
        """Submit a view the bot opened; `values` maps block_id -> element state."""
        data = payload("view_submission.json")
        data["user"] = {"id": user, "username": user.lower(), "name": user.lower()}
        data["trigger_id"] = f"trigger.submit.{next(_seq)}"
        submitted = copy.deepcopy(view)
        submitted["state"] = {"values": {block: {block: value}
                                         for block, value in values.items()}}
        data["view"] = {**data["view"], **submitted}
        resp = await self.post(interactive_body(data), FORM)
        await self.drain()
        return resp

    async def event(self, event: dict[str, Any], event_id: str | None = None,
                    retry: int | None = None) -> Any:
        data = payload("event_callback.json")
        data["event"] = event
        data["event_id"] = event_id or f"Ev{next(_seq):08d}"
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry else {}
        resp = await self.post(json.dumps(data), "application/json", **headers)
        await self.drain()
        return resp

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.fake.messages if m["channel"] == channel]


def text_input(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}
