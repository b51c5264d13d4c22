"""No store call on the event loop while Slack is served: a command from its ack to its
answer, and the App Home tab (its open swarms are read on a unit thread)."""

from __future__ import annotations

import json

from testkit.loop_guard import statements_on_the_loop
from tests.slack.harness import SlackHarness

OWNER = "UOWNER1"


async def test_a_command_and_the_home_tab_never_read_the_store_on_the_event_loop(
        slack_bot: SlackHarness) -> None:
    with statements_on_the_loop(slack_bot.store) as on_loop:
        await slack_bot.command("open ZD-31 sev2 SSO broken after the cert rotation", OWNER)
        await slack_bot.command("note ZD-31 the IdP clock is 4 minutes fast", OWNER)
        await slack_bot.event({"type": "app_home_opened", "user": OWNER, "channel": "DOWN",
                               "tab": "home", "event_ts": "1.3"})
    home = [v for v in slack_bot.fake.views if v["method"] == "views.publish"][-1]
    assert home["user_id"] == OWNER and "ZD-31" in json.dumps(home["view"])
    assert on_loop == []
