"""A swarm's platform calls that only need the room go out together (issue 15): while
Slack is still answering the owner's invitation, the topic is set and the brief is posted."""

from __future__ import annotations

import asyncio

from bot.services.outbox import _waves
from bot.store.interfaces import OutboxItem
from tests.slack.harness import SlackHarness


async def test_brief_is_posted_while_the_invite_is_still_waiting(slack_bot: SlackHarness):
    fake = slack_bot.fake
    gate = asyncio.Event()
    fake.hold("conversations.invite", gate)
    resp = await slack_bot.command("open ZD-15 sev2 concurrent calls", "U1", drain=False)
    assert resp.status == 200
    channel = None

    def briefed() -> bool:
        nonlocal channel
        channel = fake.channel_named("swarm-zd-15-concurrent-calls")
        return channel is not None and any(m["channel"] == channel.id for m in fake.messages)

    async with fake.posted:  # the brief arrives with the invitation still held
        await asyncio.wait_for(fake.posted.wait_for(briefed), timeout=10)
    assert channel is not None and "U1" not in channel.members
    assert [c.method for c in fake.calls].index("conversations.create") < \
        [c.method for c in fake.calls].index("chat.postMessage")
    gate.set()
    await slack_bot.drain()
    assert "U1" in channel.members
    assert fake.calls_to("conversations.setTopic")  # its own call, beside the others
    assert "ZD-15" in channel.topic
    assert set(slack_bot.store.outbox.counts()) == {"done"}  # nothing pending, none failed


def _item(i: int, kind: str) -> OutboxItem:
    return OutboxItem(id=i, case_id=1, platform="slack", kind=kind, payload={}, state="pending",
                      tries=0, next_at="", last_error=None, result=None)


def test_waves_keep_the_room_first_messages_in_order_and_archive_last():
    kinds = ["create_room", "invite", "set_topic", "brief", "post", "dm", "archive", "post"]
    waves = [[[i.kind for i in lane] for lane in wave]
             for wave in _waves([_item(n, k) for n, k in enumerate(kinds)])]
    assert waves == [[["create_room"]],
                     [["invite"], ["set_topic"], ["brief", "post"], ["dm"]],
                     [["archive"]],
                     [["post"]]]
