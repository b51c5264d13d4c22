"""Issue 29: chat messages mirrored only where `[bridge] mirror_messages` allows; on, a Slack
message and its edit appear once in the Teams room (and a Teams one in Slack)."""

from __future__ import annotations

import json
from typing import Any

from bot.bridge import rooms
from bot.config import Config
from testkit.slack.signing import payload, signed_headers
from tests.bridge.world import OWNER, World, bridged, count
from tests.teams.conftest import CAROL, TRIAGE_CHANNEL


async def slack_event(world: World, event: dict[str, Any], event_id: str) -> None:
    data = payload("event_callback.json")
    data.update(event=event, event_id=event_id)
    body = json.dumps(data)
    async with world.both.session.post(world.both.url + "/slack/events", data=body.encode(),
                                       headers=signed_headers(body, "application/json")
                                       ) as resp:
        assert resp.status == 200
    await world.settle()


async def swarm(world: World) -> tuple[str, str]:
    await world.teams(CAROL, "skills add billing")
    await world.slack("open ZD-31 sev2 Refund stuck")
    await world.slack("ZD-31 need billing")
    await world.teams(CAROL, "join ZD-31", conversation=TRIAGE_CHANNEL)
    await world.settle()
    case = world.deps.store.cases.by_ref("ZD-31")
    assert case is not None and case.room_id
    mirror = rooms.mirror(world.deps.store, "teams", case.id)
    assert mirror and mirror.get("room_id")
    return case.room_id, str(mirror["room_id"])


def said(channel: str, ts: str, text: str) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": OWNER, "text": text, "ts": ts,
            "channel_type": "channel"}


async def test_a_slack_message_and_its_edit_appear_once_in_teams(config: Config) -> None:
    async with bridged(config, mirror_messages=True) as world:
        channel, thread = await swarm(world)
        await slack_event(world, said(channel, "100.1", "customer card ends 4242"), "EvM1")
        await slack_event(world, said(channel, "100.1", "customer card ends 4242"), "EvM1")
        # Slack's retry of the same event, and the same message under another event id.
        await slack_event(world, said(channel, "100.1", "customer card ends 4242"), "EvM2")
        teams = world.teams_texts(thread)
        assert count(teams, "customer card ends 4242") == 1, teams
        assert any("[Slack] Olive Owner" in t or "[Slack] steve" in t for t in teams
                   if "4242" in t)
        await slack_event(world, {"type": "message", "subtype": "message_changed",
                                  "channel": channel, "ts": "100.9",
                                  "message": {"user": OWNER, "text": "customer card ends 4343",
                                              "ts": "100.1"},
                                  "previous_message": {"user": OWNER, "ts": "100.1",
                                                       "text": "customer card ends 4242"}},
                          "EvM3")
        edits = [c for c in world.both.connector.calls if c.method == "PUT" and
                 "4343" in str(c.body)]
        assert len(edits) == 1 and edits[0].conversation_id == thread
        assert count(world.teams_texts(thread), "4343") == 0  # rewritten, not posted again
        # Deleted in Slack (and the deletion delivered twice): its copy is deleted, once.
        [copy] = [c for c in world.both.connector.sent(thread) if c.method == "POST"
                  and "4242" in str(c.body)]
        deleted = {"type": "message", "subtype": "message_deleted", "channel": channel,
                   "ts": "101.0", "deleted_ts": "100.1", "hidden": True,
                   "previous_message": {"user": OWNER, "ts": "100.1",
                                        "text": "customer card ends 4343"}}
        await slack_event(world, deleted, "EvM4")
        await slack_event(world, deleted, "EvM4")
        gone = [c for c in world.both.connector.calls if c.method == "DELETE"]
        assert len(gone) == 1 and gone[0].conversation_id == thread, gone
        assert gone[0].path.endswith("/activities/" + copy.answer["id"]), (gone[0].path, copy)
        # And the other way: Carol writes in the thread (no @swarmbot): once in Slack.
        act = world.both.teams.message(CAROL, "", conversation=thread)
        act["text"], act["entities"] = "the refund batch runs at 6", []
        status, _ = await world.both.teams.post(act)
        assert status in (200, 201)
        await world.settle()
        slack = [str(m["text"]) for m in world.both.fake.messages if m["channel"] == channel]
        assert count(slack, "the refund batch runs at 6") == 1, slack
        assert any("[Teams] Carol Billing" in t for t in slack)
        [copy] = [m for m in world.both.fake.messages if m["channel"] == channel
                  and "refund batch" in str(m["text"])]
        # Carol edits it in Teams (twice delivered), then deletes it: the Slack copy follows.
        for _ in range(2):
            edited = {**act, "type": "messageUpdate", "text": "the refund batch runs at 7",
                      "channelData": {**act.get("channelData", {}),
                                      "eventType": "editMessage"}}
            status, _ = await world.both.teams.post(edited)
            assert status in (200, 201)
        await world.settle()
        assert world.both.fake.updates.count({"channel": channel, "ts": copy["ts"]}) == 1
        assert "runs at 7" in str(copy["text"]) and "(edited)" in str(copy["text"])
        gone = {**act, "type": "messageDelete", "text": "",
                "channelData": {**act.get("channelData", {}), "eventType": "softDeleteMessage"}}
        status, _ = await world.both.teams.post(gone)
        assert status in (200, 201)
        await world.settle()
        assert world.both.fake.deleted == [{"channel": channel, "ts": copy["ts"]}]
        assert not [m for m in world.both.fake.messages if "refund batch" in str(m["text"])]


async def test_messages_are_not_mirrored_by_default(config: Config) -> None:
    async with bridged(config) as world:
        channel, thread = await swarm(world)
        await slack_event(world, said(channel, "200.1", "only for the Slack room"), "EvN1")
        assert count(world.teams_texts(thread), "only for the Slack room") == 0
        rows = world.deps.store.db.execute("SELECT payload FROM inbox").fetchall()
        stored = [r["payload"] for r in rows]
        assert not any("only for the Slack room" in str(p) for p in stored)
