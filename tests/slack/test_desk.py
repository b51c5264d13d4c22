"""The agent's desk on Slack's App Home (issue 25): a specialist with a pending offer, a
promise due today and a help request for their skill sees all three, each with its button;
each button works from the Home tab (and the tab is published again as the press left it);
the away/back toggle; the view is valid Block Kit (slack_sdk's own checks, and Slack's
schema and Web API spec in ../shared/specs/)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from testkit.slack.signing import interactive_body, payload
from tests.conftest import SPECS
from tests.slack.harness import FORM, SlackHarness

OWNER, SPEC = "UOWN1", "USPEC1"
_clicks = itertools.count(1)


def noon_zone() -> str:
    """An Etc/GMT zone where it is around midday now: "due today" holds for a promise due
    in half an hour whatever the hour the test runs."""
    offset = max(-12, min(14, 12 - datetime.now(UTC).hour))
    return f"Etc/GMT{'-' if offset >= 0 else '+'}{abs(offset)}"


def home_of(bot: SlackHarness, user: str) -> dict[str, Any]:
    return [v for v in bot.fake.views if v["method"] == "views.publish"
            and v["user_id"] == user][-1]["view"]


def buttons(view: dict[str, Any]) -> dict[str, str]:
    """Every button on the view: its command (value) -> its label."""
    return {e["value"]: e["text"]["text"] for b in view["blocks"] if b["type"] == "actions"
            for e in b["elements"]}


async def open_home(bot: SlackHarness, user: str) -> dict[str, Any]:
    await bot.event({"type": "app_home_opened", "user": user, "channel": f"D{user}",
                     "tab": "home", "event_ts": "1.3"})
    return home_of(bot, user)


async def press(bot: SlackHarness, view: dict[str, Any], value: str, user: str) -> None:
    """A click on the Home tab, as Slack sends it: a view container, no channel."""
    element = next(e for b in view["blocks"] if b["type"] == "actions"
                   for e in b["elements"] if e["value"] == value)
    n = next(_clicks)
    data = payload("block_actions.json")
    for key in ("channel", "message", "response_url"):
        data.pop(key)
    data["user"] = {"id": user, "username": user.lower(), "name": user.lower()}
    data["container"] = {"type": "view", "view_id": f"VHOME{n}"}
    data["view"] = {"id": f"VHOME{n}", "type": "home", "blocks": view["blocks"]}
    data["trigger_id"] = f"trigger.home.{n}"
    data["actions"] = [{**element, "block_id": "b", "action_ts": f"1700000000.{n:06d}"}]
    await bot.post(interactive_body(data), FORM)
    await bot.drain()


def check_block_kit(view: dict[str, Any]) -> None:
    """Against Slack's own schema for blocks (../shared/specs, where it is)."""
    spec_path = SPECS / "slack_web_openapi_v2.json"
    if not spec_path.exists():
        pytest.skip(f"Slack's OpenAPI spec is not at {spec_path} (only in the workspace)")
    import jsonschema

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    jsonschema.validate(view["blocks"], spec["definitions"]["blocks"])
    params = {p["name"] for op in spec["paths"]["/views.publish"].values()
              for p in op["parameters"]}
    assert {"user_id", "view"} <= params
    assert view["type"] == "home" and len(view["blocks"]) <= 100


@pytest.fixture
def tz_user(slack_bot: SlackHarness) -> str:
    zone = noon_zone()
    for uid in (OWNER, SPEC):
        slack_bot.fake.add_user(uid, uid.lower(), f"{uid.lower()}@acme.test")
        slack_bot.fake.users[uid]["tz"] = zone
    return zone


async def test_the_desk_shows_an_offer_a_promise_and_help_each_with_its_button(
        slack_bot: SlackHarness, tz_user: str) -> None:
    bot = slack_bot
    await bot.command("skills add billing", SPEC)
    await bot.command("open ZD-1 sev2 Refund stuck at the bank", OWNER)
    room1 = bot.store.cases.by_ref("ZD-1").room_id
    await bot.command("need billing", OWNER, channel=room1)
    await bot.command("open ZD-2 sev3 Invoice address wrong", OWNER)
    room2 = bot.store.cases.by_ref("ZD-2").room_id
    await bot.command(f"handoff <@{SPEC}> customer waits for the corrected invoice", OWNER,
                      channel=room2)
    await bot.command("open ZD-3 sev3 Card declined twice", SPEC)
    room3 = bot.store.cases.by_ref("ZD-3").room_id
    await bot.command("promise in 30m call the customer back", SPEC, channel=room3)

    view = await open_home(bot, SPEC)
    check_block_kit(view)
    shown = json.dumps(view)
    for title in ("Your desk", "Offers waiting for you", "Promises due today",
                  "Help wanted for your skills", "Your swarms"):
        assert title in shown, title
    assert "customer waits for the corrected invoice" in shown
    assert "call the customer back" in shown and "Refund stuck at the bank" in shown
    assert buttons(view) == {"open": "Open a case", "skills away": "I'm away",
                             "accept ZD-2": "Accept", "decline ZD-2": "Decline",
                             "kept ZD-3 1": "Kept", "join ZD-1": "Join"}

    # Each button works from the Home tab; the tab is published again as it left it.
    await press(bot, view, "accept ZD-2", SPEC)
    assert bot.store.cases.by_ref("ZD-2").owner == SPEC
    view = home_of(bot, SPEC)
    assert "accept ZD-2" not in buttons(view) and "No handoff is waiting for you." in \
        json.dumps(view)
    await press(bot, view, "kept ZD-3 1", SPEC)
    assert bot.store.journal.open_promises(bot.store.cases.by_ref("ZD-3").id) == []
    await press(bot, home_of(bot, SPEC), "join ZD-1", SPEC)
    assert bot.store.cases.participant(bot.store.cases.by_ref("ZD-1").id, SPEC) is not None
    await press(bot, home_of(bot, SPEC), "skills away", SPEC)
    assert not bot.store.people.get(SPEC).available
    view = home_of(bot, SPEC)
    assert buttons(view)["skills back"] == "I'm back" and "You're *away*" in json.dumps(view)
    assert set(buttons(view)) == {"open", "skills back"}
    check_block_kit(view)
    # The presses answered in the specialist's DM (a Home tab has no channel to answer in).
    said = " ".join(m["text"] for m in bot.messages_in(f"D{SPEC}"))
    assert "ZD-2" in said


async def test_a_nudge_still_open_is_on_the_owners_desk(slack_bot: SlackHarness,
                                                         tz_user: str) -> None:
    bot = slack_bot
    await bot.command("open ZD-9 sev3 Printer on fire", OWNER)
    deps = bot.runtime.dispatcher.entrance.deps
    deps.clock = lambda: datetime.now(UTC) + timedelta(days=3)  # three silent days later
    view = await open_home(bot, OWNER)
    shown = json.dumps(view)
    assert "The customer on ZD-9 hasn't heard from us in" in shown, shown
    assert buttons(view)["touch ZD-9"] == "Log an update"
    check_block_kit(view)
