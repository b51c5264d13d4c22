"""SlackChatPort against the fake Slack Web API, through the real AsyncWebClient."""

from __future__ import annotations

import pytest

from adapters.slack.port import SlackChatPort, name_variant
from bot.errors import PortError
from bot.replies import Button, Field, Reply
from testkit.slack.fake_slack import BOT_USER, FakeSlack


@pytest.fixture
def port(web_client) -> SlackChatPort:
    return SlackChatPort(web_client)


async def test_create_room_sets_topic_and_is_public_by_default(port, fake_slack: FakeSlack):
    room = await port.create_room("swarm-zd-1-sso", "ZD-1 sev2 Acme")
    ch = fake_slack.channels[room.id]
    assert (room.name, ch.name, ch.is_private, ch.topic) == (
        "swarm-zd-1-sso", "swarm-zd-1-sso", False, "ZD-1 sev2 Acme")
    create = fake_slack.calls_to("conversations.create")[0]
    assert create.args["name"] == "swarm-zd-1-sso"


async def test_private_channels_config(web_client, fake_slack: FakeSlack):
    port = SlackChatPort(web_client, private_channels=True)
    room = await port.create_room("swarm-zd-2", "")
    assert fake_slack.channels[room.id].is_private
    assert not fake_slack.calls_to("conversations.setTopic")


async def test_name_taken_gets_a_suffix(port, fake_slack: FakeSlack):
    fake_slack.add_channel("swarm-zd-1")
    fake_slack.add_channel("swarm-zd-1-2")
    room = await port.create_room("swarm-zd-1", "t")
    assert room.name == "swarm-zd-1-3"
    assert [c.args["name"] for c in fake_slack.calls_to("conversations.create")] == [
        "swarm-zd-1", "swarm-zd-1-2", "swarm-zd-1-3"]


def test_name_variant_stays_within_80_chars():
    name = "swarm-zd-4711-" + "x" * 66
    assert len(name) == 80
    assert name_variant(name, 1) == name
    assert name_variant(name, 12).endswith("-12") and len(name_variant(name, 12)) == 80


async def test_other_create_errors_are_port_errors(port, fake_slack: FakeSlack):
    fake_slack.fail_next("conversations.create", "restricted_action")
    with pytest.raises(PortError) as err:
        await port.create_room("swarm-zd-9", "t")
    assert err.value.detail == "restricted_action"


async def test_invite_post_dm_archive(port, fake_slack: FakeSlack):
    ch = fake_slack.add_channel("swarm-zd-3")
    await port.invite(ch.id, ["U1", "U2", "U1"])
    assert fake_slack.calls_to("conversations.invite")[0].args["users"] == "U1,U2"
    await port.invite(ch.id, ["U1"])  # already_in_channel is not a failure
    assert ch.members == {BOT_USER, "U1", "U2"}

    ts = await port.post(ch.id, Reply(text="Brief & <stuff>", title="ZD-3",
                                      fields=(Field("Owner", "<@U1>"),),
                                      buttons=(Button("Join", "join ZD-3", "primary"),)))
    posted = fake_slack.messages[-1]
    assert posted["ts"] == ts and posted["channel"] == ch.id
    assert "Brief &amp; &lt;stuff&gt;" in posted["text"]
    assert posted["blocks"][-1]["elements"][0]["value"] == "join ZD-3"
    # blocks go as JSON, as slack_sdk sends chat.postMessage
    assert fake_slack.calls_to("chat.postMessage")[-1].content_type == "application/json"

    await port.direct_message("U2", Reply(text="hello"))
    assert fake_slack.calls_to("conversations.open")[-1].args["users"] == "U2"
    assert fake_slack.messages[-1]["channel"] == "DU2"

    await port.set_topic(ch.id, "t" * 300)
    assert len(ch.topic) == 250

    await port.archive(ch.id)
    await port.archive(ch.id)  # already_archived is fine
    assert ch.archived
    with pytest.raises(PortError) as err:
        await port.post(ch.id, Reply(text="late"))
    assert err.value.action == "post" and err.value.detail == "is_archived"


async def test_archive_can_be_turned_off(web_client, fake_slack: FakeSlack):
    ch = fake_slack.add_channel("swarm-zd-4")
    await SlackChatPort(web_client, archive_on_resolve=False).archive(ch.id)
    assert not ch.archived and not fake_slack.calls_to("conversations.archive")


async def test_find_room_paginates_and_resolves_config_names(port, fake_slack: FakeSlack):
    fake_slack.page_size = 2
    for i in range(5):
        fake_slack.add_channel(f"other-{i}")
    triage = fake_slack.add_channel("swarm-triage")
    assert (await port.find_room("swarm-triage")).id == triage.id
    assert len(fake_slack.calls_to("conversations.list")) == 3
    assert await port.find_room("nope") is None
    assert await port.resolve_channel("#swarm-triage") == triage.id
    assert await port.resolve_channel("C0123ABC") == "C0123ABC"
    assert await port.resolve_channel("") is None


async def test_failures_say_whether_they_are_transient(port, fake_slack: FakeSlack):
    """The outbox retries only transient failures, after Retry-After (seconds or a date)."""
    ch = fake_slack.add_channel("swarm-zd-5")
    fake_slack.rate_limit("chat.postMessage", times=1, retry_after=7)
    with pytest.raises(PortError) as err:
        await port.post(ch.id, Reply(text="after the wait"))
    assert (err.value.detail, err.value.transient, err.value.retry_after) == (
        "ratelimited", True, 7.0)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the port itself never retries
    for kind, transient in (("500", True), ("drop_before", True), ("drop_after", True)):
        fake_slack.inject(1.0, (kind,))
        with pytest.raises(PortError) as err:
            await port.post(ch.id, Reply(text=kind))
        assert err.value.transient is transient, kind
    fake_slack.inject(0)
    fake_slack.fail_next("chat.postMessage", "channel_not_found")
    with pytest.raises(PortError) as err:
        await port.post(ch.id, Reply(text="x"))
    assert (err.value.detail, err.value.transient) == ("channel_not_found", False)
    # "drop_after" posted it: the outbox finds it before posting again.
    assert await port.find_post(ch.id, Reply(text="drop_after"))
    assert await port.find_post(ch.id, Reply(text="never posted")) is None



async def test_a_direct_message_already_sent_is_found(port, fake_slack: FakeSlack):
    """What the outbox asks before sending a DM again after a cut-off try (a killed
    replica): the person's DM channel is looked through."""
    await port.direct_message("U7", Reply(text="an offer for you"))  # then killed
    assert await port.find_direct_message("U7", Reply(text="an offer for you"))
    assert await port.find_direct_message("U7", Reply(text="never sent")) is None
    assert await port.find_direct_message("U8", Reply(text="an offer for you")) is None


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import UTC, datetime

    from bot.errors import retry_after
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Mon, 16 Nov 2026 09:00:30 GMT", now) == 30.0
    assert retry_after("Mon, 16 Nov 2026 08:00:00 GMT", now) == 0.0  # past: now
    assert retry_after("soon", now) is None and retry_after(None, now) is None


async def test_bad_token_is_a_port_error(api_url, fake_slack: FakeSlack):
    from slack_sdk.web.async_client import AsyncWebClient
    port = SlackChatPort(AsyncWebClient(token="xoxb-wrong", base_url=api_url))
    with pytest.raises(PortError) as err:
        await port.post("C1", Reply(text="x"))
    assert err.value.detail == "invalid_auth"


async def test_network_failure_is_a_port_error():
    from slack_sdk.web.async_client import AsyncWebClient
    port = SlackChatPort(AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/"))
    with pytest.raises(PortError) as err:
        await port.set_topic("C1", "x")
    assert err.value.action == "set topic"


async def test_rate_limit_that_does_not_end_is_told(port, fake_slack: FakeSlack):
    ch = fake_slack.add_channel("swarm-zd-6")
    fake_slack.rate_limit("conversations.setTopic", times=4, retry_after=0)
    with pytest.raises(PortError) as err:
        await port.set_topic(ch.id, "t")
    assert err.value.detail == "ratelimited"
    # The port does not retry (the outbox does, with backoff): one call, told as transient.
    assert len(fake_slack.calls_to("conversations.setTopic")) == 1 and err.value.transient


async def test_upload_image_goes_through_files_upload_v2(web_client, fake_slack) -> None:
    from adapters.slack.port import SlackChatPort
    from bot.ports import ImageUploader
    from testkit.slack.fake_slack import BOT_USER

    port = SlackChatPort(web_client)
    assert isinstance(port, ImageUploader)
    room = fake_slack.add_channel("swarm-managers", members={BOT_USER})
    png = b"\x89PNG\r\n\x1a\n fake chart bytes"
    await port.upload_image(room.id, png, "Swarm digest 2026-W47")
    assert fake_slack.shared_files == [{"channel": room.id, "title": "Swarm digest 2026-W47",
                                        "alt": "Swarm digest 2026-W47", "bytes": png}]
    outsider = fake_slack.add_channel("elsewhere")
    outsider.members.discard(BOT_USER)
    import pytest

    from bot.errors import PortError

    with pytest.raises(PortError, match="not_in_channel"):
        await port.upload_image(outsider.id, png, "x")
