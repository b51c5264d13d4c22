"""The inbox keeps neutral deliveries, never a Slack request's token, response_url or
trigger_id: shown over real Slack payloads sent through the real serve app."""

from __future__ import annotations

import json

from handlers.delivery import Delivery
from testkit.slack.signing import payload
from tests.slack.harness import SlackHarness, text_input

OWNER, NET = "UOWNER1", "UNET1"
# `workspace`: the team (and Grid org) ids the delivery came from (issue 27), no secret.
DELIVERY_KEYS = {"source", "sender", "kind", "what", "room", "key", "workspace"}


async def test_inbox_rows_hold_only_neutral_deliveries(slack_bot: SlackHarness):
    fake = slack_bot.fake
    await slack_bot.command("skills add networking", NET)
    await slack_bot.command('open ZD-4711 sev2 customer="Acme" Acme cannot log in', OWNER)
    room = fake.channel_named("swarm-zd-4711-acme-cannot-log-in")
    await slack_bot.command("need networking", OWNER, room.id)
    request = slack_bot.messages_in(fake.channel_named("swarm-triage").id)[-1]
    await slack_bot.click(request, "Join", NET)
    await slack_bot.event({"type": "message", "channel": room.id, "user": NET, "text": "hi",
                           "ts": "1.2", "channel_type": "channel"})
    await slack_bot.command("open", OWNER)
    form = [v for v in fake.views if v["method"] == "views.open"][-1]
    await slack_bot.submit(form["view"], {
        "ref": text_input("ZD-8"), "summary": text_input("VPN drops"),
        "severity": {"type": "static_select", "selected_option": {"value": "sev1"}}}, OWNER)
    assert slack_bot.store.cases.by_ref("ZD-8") is not None

    rows = slack_bot.store.db.execute("SELECT source, payload FROM inbox").fetchall()
    kinds = sorted({json.loads(r[1])["kind"] for r in rows})
    assert kinds == ["pressed", "room_event", "submitted", "typed"]  # every kind was sent
    secrets = [payload(name)[field] for name, field in (
        ("slash_command.json", "token"), ("block_actions.json", "token"),
        ("view_submission.json", "token"), ("event_callback.json", "token"),
        ("slash_command.json", "api_app_id"))]
    for source, stored in rows:
        assert source == "slack"
        assert set(json.loads(stored)) == DELIVERY_KEYS, stored
        assert Delivery.from_json(stored).source == "slack"
        for word in ("token", "response_url", "trigger_id", "hooks", "/response/",
                     "trigger.", "team_domain", "api_app_id", *secrets):
            assert word not in stored, (word, stored)
