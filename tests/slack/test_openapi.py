"""Every Web API call the bot makes exists in Slack's OpenAPI spec, with known arguments.

The spec (2020) lives in ../shared/specs/ next to the repository; it is a sanity check, not
gospel, and a user's clone does not have it.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import SPECS
from tests.slack.harness import SlackHarness, text_input

SPEC = SPECS / "slack_web_openapi_v2.json"
# Newer than the 2020 spec, or added by the SDK rather than the bot.
NOT_IN_2020_SPEC = {"apps.connections.open"}
SDK_ADDED = {"auth.test": {"team_id"}}  # Bolt's own start-up call; slack_sdk adds team_id


@pytest.fixture
def spec() -> dict:
    if not SPEC.exists():
        pytest.skip(f"Slack's OpenAPI spec is not at {SPEC} (only in the project workspace)")
    return json.loads(SPEC.read_text(encoding="utf-8"))


async def test_calls_made_during_a_case_match_the_spec(spec: dict, slack_bot: SlackHarness):
    fake = slack_bot.fake
    await slack_bot.command("skills add sso", "USSO1")
    await slack_bot.command('open ZD-2 sev2 skills="sso" Login loop', "UOWN1")
    room = fake.channel_named("swarm-zd-2-login-loop")
    request = slack_bot.messages_in(fake.channel_named("swarm-triage").id)[-1]
    await slack_bot.click(request, "Join", "USSO1")
    await slack_bot.command("handoff <@UNEW1> customer waits on IdP", "UOWN1", room.id)
    await slack_bot.click(slack_bot.messages_in("DUNEW1")[-1], "Accept", "UNEW1")
    await slack_bot.event({"type": "app_home_opened", "user": "UNEW1", "tab": "home"})
    brief = slack_bot.messages_in(room.id)[0]
    await slack_bot.click(brief, "Resolve", "UNEW1")
    form = [v for v in fake.views if v["method"] == "views.open"][-1]["view"]
    await slack_bot.submit(form, {"resolution": text_input("IdP fixed")}, "UNEW1")
    assert room.archived

    methods = {c.method for c in fake.calls}
    assert {"conversations.create", "conversations.invite", "conversations.setTopic",
            "chat.postMessage", "conversations.open", "conversations.archive", "views.open",
            "views.publish", "conversations.list", "users.info"} <= methods
    for call in fake.calls:
        if call.method in NOT_IN_2020_SPEC:
            continue
        path = spec["paths"].get(f"/{call.method}")
        assert path is not None, f"{call.method} is not a Slack Web API method"
        known = {p["name"] for op in path.values() for p in op.get("parameters", [])}
        unknown = set(call.args) - known - {"token"} - SDK_ADDED.get(call.method, set())
        assert not unknown, f"{call.method} got arguments Slack does not know: {unknown}"
