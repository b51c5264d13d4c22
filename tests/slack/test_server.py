"""The serve app's front door: signatures, timestamps, health, secrets, ack before work."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.serve import build_server
from adapters.slack.server import slack_secrets
from bot.config import Config
from bot.errors import ConfigError
from testkit.slack.signing import form_body, payload, signed_headers
from tests.slack.harness import FORM, SlackHarness


async def test_healthz(slack_bot: SlackHarness):
    resp = await slack_bot.client.get("/healthz")
    assert resp.status == 200 and (await resp.json())["ok"] is True


async def test_signed_command_is_acked_and_answered(slack_bot: SlackHarness):
    resp = await slack_bot.command("help", "U1")
    assert resp.status == 200
    answer = slack_bot.fake.responses[-1]
    assert answer["response_type"] == "ephemeral" and "open" in answer["text"]


def _command_body(harness: SlackHarness) -> str:
    return form_body({**payload("slash_command.json"),
                      "response_url": harness.fake.response_url("r")})


async def test_forged_signature_is_refused(slack_bot: SlackHarness):
    body = _command_body(slack_bot)
    headers = signed_headers(body, FORM, secret="not-the-secret")
    resp = await slack_bot.client.post("/slack/events", data=body.encode(), headers=headers)
    assert resp.status == 401
    # a body changed after signing is refused too
    headers = signed_headers(body, FORM)
    resp = await slack_bot.client.post("/slack/events", data=(body + "x").encode(),
                                       headers=headers)
    assert resp.status == 401
    assert slack_bot.store.inbox.pending("slack") == [] and not slack_bot.fake.responses


async def test_stale_timestamp_is_refused(slack_bot: SlackHarness):
    body = _command_body(slack_bot)
    headers = signed_headers(body, FORM, timestamp=int(time.time()) - 6 * 60)
    resp = await slack_bot.client.post("/slack/events", data=body.encode(), headers=headers)
    assert resp.status == 401
    fresh = signed_headers(body, FORM, timestamp=int(time.time()) - 4 * 60)
    assert (await slack_bot.client.post("/slack/events", data=body.encode(),
                                        headers=fresh)).status == 200
    await slack_bot.drain()
    assert len(slack_bot.fake.responses) == 1


async def test_ack_comes_before_the_slow_work(slack_bot: SlackHarness):
    """The HTTP answer to /swarm open is back while Slack is still creating the channel."""
    gate = asyncio.Event()
    slack_bot.fake.hold("conversations.create", gate)
    resp = await slack_bot.command("open ZD-77 sev2 slow Slack", "U1", drain=False)
    assert resp.status == 200
    assert slack_bot.fake.channel_named("swarm-zd-77-slow-slack") is None
    assert [r.key for r in slack_bot.store.inbox.pending("slack")]  # written before ack
    gate.set()
    await slack_bot.drain()
    assert slack_bot.fake.channel_named("swarm-zd-77-slow-slack") is not None
    assert slack_bot.store.inbox.pending("slack") == []


def test_missing_secrets_name_the_variable():
    cfg = Config()
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        slack_secrets(cfg, {"SLACK_SIGNING_SECRET": "s"})
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        slack_secrets(cfg, {"SLACK_BOT_TOKEN": "xoxb-1"})
    cfg.slack.socket_mode = True
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        slack_secrets(cfg, {"SLACK_BOT_TOKEN": "xoxb-1"})
    assert slack_secrets(cfg, {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
                         ).app_token == "xapp-1"


async def test_unknown_triage_channel_stops_start_up(slack_config: Config, fake_slack):
    slack_config.slack.triage_channel = "#nowhere"
    with pytest.raises(ConfigError, match="triage_channel #nowhere"):
        await build_server(slack_config, {"SLACK_BOT_TOKEN": "xoxb-test-token",
                                       "SLACK_SIGNING_SECRET": "s"})


async def test_socket_mode(aiohttp_client, fake_slack, slack_config: Config):
    """With socket_mode the app connects out, takes envelopes and acks them; no HTTP route."""
    import asyncio

    from testkit.slack.fake_slack import APP_TOKEN, TOKEN
    from tests.slack.harness import SlackHarness

    fake_slack.add_channel("swarm-triage")
    slack_config.slack.socket_mode = True
    app = await build_server(slack_config, {"SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": APP_TOKEN})
    client = await aiohttp_client(app)
    harness = SlackHarness(client, fake_slack)
    await asyncio.wait_for(fake_slack.socket_ready.wait(), timeout=5)
    command = {**payload("slash_command.json"), "user_id": "U1",
               "text": "open ZD-60 sev2 Over the socket",
               "response_url": fake_slack.response_url("sock")}
    ack = await fake_slack.socket_send("slash_commands", command)
    assert "envelope_id" in ack
    await harness.drain()
    assert fake_slack.channel_named("swarm-zd-60-over-the-socket") is not None
    assert fake_slack.responses[-1]["response_type"] == "in_channel"
    assert (await client.post("/slack/events", data=b"x")).status == 404


async def test_a_refused_token_stops_start_up(slack_config: Config, fake_slack):
    fake_slack.add_channel("swarm-triage")
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN: invalid_auth"):
        await build_server(slack_config, {"SLACK_BOT_TOKEN": "xoxb-revoked",
                                          "SLACK_SIGNING_SECRET": "s"})


async def test_the_bots_own_joins_are_not_counted(slack_bot: SlackHarness):
    await slack_bot.command("open ZD-66 sev3 Bot joins", "U1")
    room = slack_bot.fake.channel_named("swarm-zd-66-bot-joins")
    await slack_bot.event({"type": "member_joined_channel", "user": "UBOT", "channel": room.id})
    case = slack_bot.store.cases.by_ref("ZD-66")
    assert "UBOT" not in [p.person for p in slack_bot.store.cases.participants(case.id)]
