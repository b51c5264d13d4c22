"""Zendesk end to end on loopback: signed webhook -> swarm with the assignee as owner ->
internal notes for open, handoff (with the assignee changed) and resolve."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.helpdesk import Ticket
from handlers.delivery import Delivery
from handlers.helpdesk import delivery_of
from testkit.loopback import until
from tests.helpdesk.conftest import accepted, body_of, opened, settle, worked, zendesk_headers
from tests.helpdesk.fake_zendesk import FakeZendesk
from tests.slack.harness import SlackHarness

TRIGGER = dict(ticket_id="123", subject="Acme cannot log in after SSO change",
               priority="urgent", requester="Rita Requester", organization="Acme",
               assignee_email="alice@acme.test", tags="swarm vip",
               url="https://acme.zendesk.com/agent/tickets/123")


def seed(zd: FakeZendesk) -> None:
    zd.add_user(7, "Rita Requester", "rita@customer.test", role="end-user")
    zd.add_user(501, "Alice Agent", "alice@acme.test")
    zd.add_user(502, "Bob Agent", "bob@acme.test")
    zd.add_ticket(123, TRIGGER["subject"], requester=7, org="Acme", assignee=501,
                  priority="urgent")


async def post(bot: SlackHarness, body: bytes, **kw):
    return await bot.client.post("/helpdesk/zendesk", data=body, headers=zendesk_headers(
        body, **kw))


async def run_case(bot: SlackHarness, zd: FakeZendesk) -> str:
    """Webhook in, then need + join, handoff + accept, resolve: returns the room id."""
    case = await opened(bot, await post(bot, body_of(**TRIGGER)), "ZD-123")
    assert (case.owner, case.customer, case.severity) == ("UALICE", "Acme", 1)
    room = case.room_id
    await bot.command("need sso", "UALICE", channel=room)
    await bot.command("join", "UCAROL", channel=room)
    # Credit at resolve goes to who contributed, not to who only joined (issue 12).
    await bot.command("note the IdP lost the SAML attribute mapping", "UCAROL", channel=room)
    await bot.command("handoff <@UBOB> Rita waits for the SAML fix; call her at 5",
                      "UALICE", channel=room)
    await bot.command("accept", "UBOB", channel=room)
    await bot.command("resolve SAML mapping restored", "UBOB", channel=room)
    return room


async def test_zendesk_ticket_to_swarm_and_back(bot: SlackHarness, zendesk: FakeZendesk):
    seed(zendesk)
    room = await run_case(bot, zendesk)
    brief = next(m for m in bot.fake.messages if m["channel"] == room)
    shown = str(brief["blocks"])
    assert "https://acme.zendesk.com/agent/tickets/123" in shown
    assert "Rita Requester" in shown and "Acme" in shown
    notes = zendesk.notes(123)
    assert len(notes) == 3, notes
    assert f"https://slack.com/app_redirect?channel={room}" in notes[0]
    assert "Owner: UALICE" in notes[0]
    assert "Warm handoff accepted" in notes[1] and "call her at 5" in notes[1]
    assert "Assignee: bob@acme.test" in notes[1]
    assert zendesk.tickets[123]["assignee_id"] == 502
    assert "SAML mapping restored" in notes[2] and "ucarol" in notes[2]
    assert all(c["public"] is False for c in zendesk.comments[123][1:])
    exported = bot.runtime.dispatcher.entrance.deps.store.helpdesk.link_of(
        bot.store.cases.by_ref("ZD-123").id)
    assert exported.ticket_id == "123"


async def test_replayed_forged_and_stale_webhooks(bot: SlackHarness, zendesk: FakeZendesk,
                                                  caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="swarmbot.helpdesk")
    seed(zendesk)
    body = body_of(**TRIGGER)
    first = await post(bot, body)
    again = await post(bot, body)  # Zendesk redelivers the same invocation at once
    assert again.status == 200
    assert await again.json() == {"status": "duplicate", "ref": "ZD-123"}
    case = await opened(bot, first, "ZD-123")
    again = await post(bot, body)  # ... and once it is done
    assert (await again.json())["status"] == "duplicate"
    fresh = await post(bot, body, invocation="inv-2")  # the trigger fires again
    await accepted(bot, fresh, "ZD-123")
    await worked(bot)
    # Nobody reads the webhook's work: an open swarm for the ticket already is in the log.
    exists = [r.getMessage() for r in caplog.records if "inv-2: ZD-123 exists" in
              r.getMessage()]
    assert len(exists) == 1 and case.room_name.startswith("swarm-zd-123")
    assert f"#{case.room_name}" in exists[0], exists
    forged = await post(bot, body, secret="not-the-secret")
    assert forged.status == 401
    stale = await post(bot, body, at=datetime.now(UTC) - timedelta(minutes=6))
    assert stale.status == 401 and "stale" in (await stale.json())["error"]
    tampered = await bot.client.post("/helpdesk/zendesk", data=body + b" ",
                                     headers=zendesk_headers(body))
    assert tampered.status == 401
    bad = b'{"ticket_id": ["x"]}'
    assert (await post(bot, bad)).status == 400
    assert (await post(bot, b"not json", invocation="inv-9")).status == 400
    assert len([c for c in bot.store.cases.all() if c.ref == "ZD-123"]) == 1
    assert len(zendesk.notes(123)) == 1


async def test_no_assignee_found_asks_triage(bot: SlackHarness, zendesk: FakeZendesk):
    seed(zendesk)
    resp = await post(bot, body_of(**{**TRIGGER, "assignee_email": "ghost@acme.test"}))
    case = await opened(bot, resp, "ZD-123")
    assert case.owner == "zendesk"
    triage = bot.fake.channel_named("swarm-triage").id
    asked = [m["text"] for m in bot.fake.messages if m["channel"] == triage]
    assert any("without an owner" in t and "ghost@acme.test is not a slack user" in t
               for t in asked), asked
    assert "No owner yet" in zendesk.notes(123)[0]


async def test_open_with_the_ticket_alone_fetches_it(bot: SlackHarness, zendesk: FakeZendesk):
    seed(zendesk)
    await bot.command("open ZD-123", "UALICE")
    case = bot.store.cases.by_ref("ZD-123")
    assert case is not None, bot.fake.responses
    assert (case.summary, case.customer, case.severity) == (TRIGGER["subject"], "Acme", 1)
    await bot.command("open ZD-999", "UALICE")
    assert bot.store.cases.by_ref("ZD-999") is None
    assert "Couldn't fetch ZD-999 from Zendesk: HTTP 404 (RecordNotFound: Not found)" in str(
        bot.fake.responses[-1])


async def test_a_slow_ticket_fetch_holds_no_transaction_and_no_other_command(
        bot: SlackHarness, zendesk: FakeZendesk):
    """`open ZD-123` waits on Zendesk outside the command's transaction and lock: meanwhile
    other commands run and commit (an inbox row written then cannot be rolled back with it)."""
    seed(zendesk)
    zendesk.hold = asyncio.Event()
    opening = asyncio.create_task(bot.command("open ZD-123", "UALICE"))
    await asyncio.wait_for(zendesk.reading.wait(), 10)
    sqlite = getattr(bot.store.db, "conn", None)  # PostgreSQL's are per task anyway
    assert sqlite is None or not sqlite.in_transaction
    await bot.command("open ZD-7 sev3 Another customer meanwhile", "UBOB", drain=False)
    await asyncio.wait_for(_until(lambda: bot.store.cases.by_ref("ZD-7") is not None), 10)
    assert bot.store.cases.by_ref("ZD-123") is None
    zendesk.hold.set()
    await opening
    case = bot.store.cases.by_ref("ZD-123")
    assert case is not None and case.summary == TRIGGER["subject"]


async def _until(check) -> None:  # noqa: ANN001
    while not check():
        await asyncio.sleep(0.01)


async def test_faults_every_write_back_arrives_exactly_once(bot: SlackHarness,
                                                            zendesk: FakeZendesk):
    seed(zendesk)
    zendesk.faults.rate = 0.2
    await run_case(bot, zendesk)
    zendesk.faults.rate = 0.0
    deps = bot.runtime.dispatcher.entrance.deps
    assert (await settle(bot)).get("failed", 0) == 0
    assert deps.store.helpdesk.pending_writes() == []
    assert zendesk.faults.injected, "no fault was injected: the test proves nothing"
    notes = zendesk.notes(123)
    markers = [n.rsplit("[", 1)[1] for n in notes]
    assert len(notes) == 3 and len(set(markers)) == 3, notes
    assert zendesk.tickets[123]["assignee_id"] == 502


def test_config_problems_are_one_line_each():
    from adapters.checks import config_problems
    from bot.config import Config

    cfg = Config()
    cfg.slack.enabled = True
    cfg.helpdesk.zendesk.enabled = True
    cfg.helpdesk.zendesk.api_url = "acme.zendesk.com"
    cfg.helpdesk.jira.enabled = True
    cfg.helpdesk.jira.api_url = "https://acme.atlassian.net"
    cfg.helpdesk.jira.email = "bot@acme.test"
    cfg.helpdesk.jira.platform = "teams"
    problems = config_problems(cfg, "check", {"SLACK_BOT_TOKEN": "x",
                                              "SLACK_SIGNING_SECRET": "y"})
    assert "[helpdesk.zendesk] api_url 'acme.zendesk.com' is not a URL" in " ".join(problems)
    assert any("[helpdesk.zendesk] email is not an email" in p for p in problems)
    assert any("[helpdesk.jira] platform 'teams' is not served here" in p for p in problems)
    assert any(p.startswith("environment variables ZENDESK_API_TOKEN, ZENDESK_WEBHOOK_SECRET, "
                            "JIRA_API_TOKEN, JIRA_WEBHOOK_SECRET not set") for p in problems)


async def test_a_write_back_that_gives_up_at_intake_is_told_to_the_owner(
        bot: SlackHarness, zendesk: FakeZendesk):
    """Nobody reads a webhook's answer: the owner hears of it in a DM, with `retry`."""
    seed(zendesk)
    bot.runtime.dispatcher.entrance.deps.config.outbox.max_tries = 1
    zendesk.faults.rate, zendesk.faults.kinds = 1.0, ("500",)
    await opened(bot, await post(bot, body_of(**TRIGGER)), "ZD-123")
    told = [m["text"] for m in bot.fake.messages if m["channel"] == "DUALICE"]
    assert any("Couldn't write to ticket 123 in zendesk: HTTP 500" in t and
               "retry ZD-123" in t for t in told), told
    zendesk.faults.rate = 0.0
    await bot.command("retry ZD-123", "UALICE")
    await settle(bot)
    assert len(zendesk.notes(123)) == 1


async def test_no_placeholder_owner_is_ever_sent_to_slack(bot: SlackHarness,
                                                          zendesk: FakeZendesk):
    """A ticket without an assignee opens its swarm owned by "zendesk" until a manager hands
    it off: that placeholder is never invited, messaged or looked up on Slack."""
    seed(zendesk)
    resp = await post(bot, body_of(**{**TRIGGER, "assignee_email": ""}))
    case = await opened(bot, resp, "ZD-123")
    assert case.owner == "zendesk" and case.room_id
    await settle(bot)
    sent = [c for c in bot.fake.calls if "zendesk" in str(c.args.get("users", "")) or
            str(c.args.get("user", "")) == "zendesk" or
            str(c.args.get("channel", "")) == "Dzendesk"]
    assert sent == [], sent
    triage = bot.fake.channel_named("swarm-triage").id
    asked = [m["text"] for m in bot.fake.messages if m["channel"] == triage]
    assert any("without an owner (the ticket has no assignee)" in t for t in asked), asked
    assert bot.fake.channels[case.room_id].members  # the room exists, with the bot in it
    brief = next(m for m in bot.fake.messages if m["channel"] == case.room_id
                 and m["text"].startswith("Swarm ZD-123"))
    assert "No owner yet" in str(brief["blocks"]) and "<@zendesk>" not in str(brief)
    # A manager gives it an owner by a warm handoff; the placeholder is told nothing.
    bot.runtime.dispatcher.entrance.deps.config.people.managers.append("UCAROL")
    await bot.command("handoff ZD-123 <@UBOB> Rita waits for the SAML fix", "UCAROL")
    await bot.command("decline ZD-123 in a meeting", "UBOB")  # "zendesk" is not told
    await bot.command("handoff ZD-123 <@UBOB> Rita waits for the SAML fix", "UCAROL")
    await bot.command("accept ZD-123", "UBOB")
    await settle(bot)
    assert bot.store.cases.by_ref("ZD-123").owner == "UBOB"
    assert "UBOB" in bot.fake.channels[case.room_id].members
    sent = [c for c in bot.fake.calls if "zendesk" in str(c.args.get("users", "")) or
            str(c.args.get("channel", "")) == "Dzendesk"]
    assert sent == [], sent
    assert zendesk.tickets[123]["assignee_id"] == 502


async def test_a_webhook_whose_swarm_cannot_be_opened_is_told_to_triage(
        bot: SlackHarness, zendesk: FakeZendesk, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture):
    """The webhook was answered before its work: a failure opening the swarm is not lost in
    the answer nobody reads. The triage room hears it with the error id (the log has the
    traceback), and the delivery is closed as failed, not replayed."""
    caplog.set_level(logging.INFO, logger="swarmbot.helpdesk")
    seed(zendesk)

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("a bug in open")
    monkeypatch.setattr("bot.services.cases.open_case", broken)
    await accepted(bot, await post(bot, body_of(**TRIGGER)), "ZD-123")
    await worked(bot)
    assert bot.store.cases.by_ref("ZD-123") is None
    assert bot.store.inbox.pending("helpdesk:zendesk") == []
    triage = bot.fake.channel_named("swarm-triage").id
    told = [m["text"] for m in bot.fake.messages if m["channel"] == triage]
    assert any(t.startswith("ZD-123 came in from Zendesk but its swarm could not be opened: "
                            "Something went wrong on our side (error id ") for t in told), told
    refused = [r for r in caplog.records if "ZD-123 refused" in r.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert zendesk.notes(123) == []


async def test_a_pending_webhook_is_finished_by_the_one_replay_loop(bot: SlackHarness,
                                                                    zendesk: FakeZendesk):
    """A webhook row left pending while serving (a replica that answered it died, a store
    failure) is run by the entrance's replay loop, as Slack's and Teams' are: no replay of
    the helpdesk's own."""
    seed(zendesk)
    entrance = bot.runtime.dispatcher.entrance
    ticket = Ticket(helpdesk="zendesk", id="123", ref="ZD-123", subject=TRIGGER["subject"],
                    url=TRIGGER["url"], priority="urgent", requester="Rita Requester",
                    organization="Acme", assignee_email="alice@acme.test", tags=("swarm",))
    delivery = delivery_of(ticket, "zendesk:inv-dead-replica", "slack", "Zendesk")
    assert Delivery.from_json(delivery.to_json()) == delivery  # kept whole in the inbox
    # The server's own loop has done its start-up pass (it takes every row, however young);
    # from now on it leaves rows younger than its 5 s grace to their runners: this pass is
    # the test's.
    await asyncio.wait_for(entrance.replays.backlog_done.wait(), 30)
    bot.store.inbox.put(delivery.key, "helpdesk:zendesk", delivery.to_json(),
                        entrance.deps.now_iso())
    assert await entrance.replays.run_pending() == 1
    case = bot.store.cases.by_ref("ZD-123")
    assert (case.owner, case.customer, case.severity) == ("UALICE", "Acme", 1)
    assert bot.store.inbox.pending("helpdesk:zendesk") == []
    assert await entrance.replays.run_pending() == 0
    body = body_of(**TRIGGER)
    again = await bot.client.post("/helpdesk/zendesk", data=body, headers=zendesk_headers(
        body, invocation="inv-dead-replica"))  # Zendesk redelivers: found, not redone
    assert (await again.json())["status"] == "duplicate"
    await until(lambda: bool(zendesk.notes(123)), "the write-back", 30)
    assert len(zendesk.notes(123)) == 1
