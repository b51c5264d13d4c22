"""`set link <url>` also keeps the link at the top of the swarm's Slack channel, as a
channel bookmark (issue 25): one bookmark titled "Ticket", changed (not added again) by a
second `set link` or a retry."""

from __future__ import annotations

from testkit.loopback import until
from tests.slack.harness import SlackHarness


async def test_set_link_is_a_channel_bookmark_kept_once(slack_bot: SlackHarness) -> None:
    bot = slack_bot
    await bot.command("open ZD-5 sev3 Portal login loop", "UOWN1")
    case = bot.store.cases.by_ref("ZD-5")
    channel = bot.fake.channels[case.room_id]
    await bot.command("set link https://acme.zendesk.com/agent/tickets/5", "UOWN1",
                      channel=case.room_id)
    await until(lambda: bool(channel.bookmarks), "the bookmark", 10)
    assert [(b["title"], b["link"]) for b in channel.bookmarks] == [
        ("Ticket", "https://acme.zendesk.com/agent/tickets/5")]
    await bot.command("set link https://acme.zendesk.com/agent/tickets/55", "UOWN1",
                      channel=case.room_id)
    await until(lambda: channel.bookmarks[0]["link"].endswith("/55"), "the bookmark changed",
                20)
    assert len(channel.bookmarks) == 1
    assert {"bookmarks.list", "bookmarks.add", "bookmarks.edit"} <= {
        c.method for c in bot.fake.calls}
