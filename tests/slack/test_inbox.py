"""Inbox before ack: what was acknowledged before a crash is finished at the next start."""

from __future__ import annotations

import json

from adapters.bootstrap import build_core
from adapters.serve import build_server
from adapters.slack.deliveries import delivery_of
from adapters.slack.inbox import key_of, kind_of
from bot.config import Config
from testkit.fake_port import FakeChatPort
from testkit.slack.fake_slack import FakeSlack
from testkit.slack.signing import payload
from tests.slack.conftest import SECRETS
from tests.slack.harness import SlackHarness


def test_keys_and_kinds():
    event = payload("event_callback.json")
    assert key_of(event, "whatever") == "slack:event:Ev08MFMKH6"
    command = payload("slash_command.json")
    assert key_of(command, "a=1").startswith("slack:") and key_of(command, "a=1") != key_of(
        command, "a=2")
    assert (kind_of(command), kind_of(event), kind_of(payload("block_actions.json")),
            kind_of(payload("view_submission.json")), kind_of({"type": "url_verification"})) \
        == ("command", "event", "action", "view", None)


def test_message_text_is_never_stored():
    body = {"type": "event_callback", "event": {"type": "message", "text": "private words",
                                                "blocks": [{"x": "private"}], "user": "U1",
                                                "channel": "C1"}}
    delivery = delivery_of("event", body, "slack:event:1")
    assert delivery is not None
    stored = delivery.to_json()
    assert "private" not in stored and json.loads(stored)["sender"]["id"] == "U1"


async def test_pending_requests_are_finished_at_start_up(aiohttp_client, fake_slack: FakeSlack,
                                                         slack_config: Config):
    fake_slack.add_channel("swarm-triage")
    # A crash after the ack: the inbox holds a command and a form click nobody processed.
    before = build_core(slack_config, {"slack": FakeChatPort(platform="slack")})
    command = {**payload("slash_command.json"), "user_id": "UOWNER1",
               "text": "open ZD-31 sev2 Billing page blank",
               "response_url": fake_slack.response_url("expired")}
    click = payload("block_actions.json")
    click["actions"][0].update(action_id="swarm_form:1", value="handoff ZD-31")
    for kind, body, key in (("command", command, "slack:cmd-before-crash"),
                            ("action", click, "slack:click-before-crash")):
        delivery = delivery_of(kind, body, key)
        assert delivery is not None and before.accept(delivery)
    before.close()

    client = await aiohttp_client(await build_server(slack_config, SECRETS))
    harness = SlackHarness(client, fake_slack)
    await harness.drain()

    assert fake_slack.channel_named("swarm-zd-31-billing-page-blank") is not None
    assert harness.store.inbox.pending("slack") == []
    # The answer goes through the Web API (a response_url may have expired): the support
    # channel is not one the bot is in, so the opener gets it as a DM.
    assert any("ZD-31" in m["text"] for m in harness.messages_in("UOWNER1"))
    assert not fake_slack.responses
    # a form cannot be opened for a click from before the restart (trigger ids live 3 s):
    # the person who clicked is told to press again
    assert not fake_slack.calls_to("views.open")
    clicker = click["user"]["id"]
    assert "press the button again" in harness.messages_in(clicker)[-1]["text"]
