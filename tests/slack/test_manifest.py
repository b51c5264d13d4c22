"""The manifest, the rendered ids and the Bolt listeners agree, both ways."""

from __future__ import annotations

import json

import pytest

from adapters.slack import ids
from adapters.slack.app import listened
from adapters.slack.blocks import message
from adapters.slack.cli import register
from adapters.slack.home import home_view
from adapters.slack.manifest import BOT_SCOPES, manifest, manifest_json
from adapters.slack.modals import view_for
from bot.config import CommandsConfig
from bot.domain import Case, CaseStatus
from bot.phrases import Phrases
from bot.replies import Button, Reply
from bot.services import messages
from bot.services.desk import Desk, DeskItem, DeskSection
from handlers.forms import open_form
from testkit.slack.signing import form_body, interactive_body, payload
from tests.slack.harness import FORM, SlackHarness


def rendered_ids() -> dict[str, set[str]]:
    """Every action_id and callback_id the adapter can put in front of a user."""
    case = Case(id=1, ref="ZD-1", customer="Acme", summary="s", severity=2,
                status=CaseStatus.OPEN, owner="U1", platform="slack", room_id="C1",
                room_name="swarm-zd-1", delight=None, resolution=None, opened_at="t",
                resolved_at=None)
    replies = [messages.brief(case, Phrases(CommandsConfig())),
               Reply(text="x", buttons=(Button("Accept", "accept ZD-1"),))]
    blocks = [b for r in replies for b in message(r)["blocks"]]
    phrases = Phrases(CommandsConfig())
    desk = Desk("U1", True, (DeskSection("mine", "Your swarms", (DeskItem(
        "ZD-1", (phrases.button("Join", "join", "ZD-1"),)),), ""),),
        phrases.button("I'm away", "skills", "away"),
        phrases.button("Open a case", "open", needs_input=True))
    blocks += home_view(desk).to_dict()["blocks"]
    actions = {e["action_id"].split(":")[0] for b in blocks if b["type"] == "actions"
               for e in b["elements"]}
    # Every form renders with one callback id (earlier versions' ids are listened to also).
    views = {view_for(open_form(Phrases(CommandsConfig())), "C1").callback_id,
             *ids.OLD_VIEWS}
    return {"actions": actions, "views": views}


def test_manifest_json_reads_back_as_the_manifest():
    text = manifest_json("https://swarm.example.com/")
    data = json.loads(text)
    assert data["_metadata"] == {"major_version": 1, "minor_version": 1}
    del data["_metadata"]
    assert data == manifest("https://swarm.example.com/")
    settings = data["settings"]
    url = "https://swarm.example.com/slack/events"
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"]["request_url"] == url
    command = data["features"]["slash_commands"][0]
    assert command["url"] == url and command["should_escape"] is True
    assert set(data["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    # The bot hears no message.im, so people cannot write to it in the Messages tab.
    assert "message.im" not in settings["event_subscriptions"]["bot_events"]
    assert data["features"]["app_home"]["messages_tab_read_only_enabled"] is True
    desc = data["display_information"]
    assert len(desc["description"]) <= 140 and 175 <= len(desc["long_description"]) <= 4000


def test_socket_mode_manifest_has_no_urls():
    data = manifest("", socket_mode=True)
    assert "url" not in data["features"]["slash_commands"][0]
    assert "request_url" not in data["settings"]["event_subscriptions"]
    assert data["settings"]["socket_mode_enabled"] is True


def test_everything_rendered_has_a_listener_and_every_listener_is_rendered():
    spec = listened("/swarm")
    shown = rendered_ids()
    assert shown["actions"] == set(spec["actions"])
    assert shown["views"] == set(spec["views"])
    data = manifest("https://h")
    assert [c["command"] for c in data["features"]["slash_commands"]] == list(spec["commands"])
    # message.channels / message.groups arrive as `message` events
    subscribed = {e.split(".")[0] for e in data["settings"]["event_subscriptions"]["bot_events"]}
    assert subscribed == set(spec["events"])
    assert set(ids.EVENTS) == set(data["settings"]["event_subscriptions"]["bot_events"])


async def test_each_listener_answers_over_the_wire(slack_bot: SlackHarness):
    """Bolt answers 404 to a request no listener matches; none of ours may get one."""
    spec = listened("/swarm")
    for command in spec["commands"]:
        body = {**payload("slash_command.json"), "command": command, "text": "help",
                "response_url": slack_bot.fake.response_url("x")}
        assert (await slack_bot.post(form_body(body), FORM)).status == 200
    unknown = {**payload("slash_command.json"), "command": "/nothing",
               "response_url": slack_bot.fake.response_url("x")}
    assert (await slack_bot.post(form_body(unknown), FORM)).status == 404
    for n, prefix in enumerate(spec["actions"]):
        data = payload("block_actions.json")
        data["actions"][0].update(action_id=ids.action_id(prefix, n), value="help")
        data["response_url"] = slack_bot.fake.response_url("a")
        assert (await slack_bot.post(interactive_body(data), FORM)).status == 200
    for callback in spec["views"]:
        data = payload("view_submission.json")
        data["view"]["callback_id"] = callback
        assert (await slack_bot.post(interactive_body(data), FORM)).status == 200
    for event in spec["events"]:
        data = payload("event_callback.json")
        data["event"] = {"type": event, "user": "U9", "channel": "C9", "tab": "messages"}
        data["event_id"] = f"Ev{event}"
        assert (await slack_bot.post(json.dumps(data), "application/json")).status == 200
    await slack_bot.drain()
    assert slack_bot.store.inbox.pending("slack") == []


def test_cli_registers_the_manifest_command(capsys):
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["slack-manifest", "--url", "https://bot.example"])
    assert args.func(args) == 0
    assert '"https://bot.example/slack/events"' in capsys.readouterr().out


@pytest.mark.parametrize("url", ["example.com", "http://bot.example", "ftp://bot.example"])
def test_a_url_slack_cannot_call_is_refused_in_one_line(url: str, capsys):
    from adapters.cli import main

    assert main(["slack-manifest", "--url", url]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("swarmbot: --url ") and len(err.splitlines()) == 1
