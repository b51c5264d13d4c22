"""Jira Service Management and the generic signed webhook (with its callback) end to end."""

from __future__ import annotations

from tests.helpdesk.conftest import JIRA_SECRET, body_of, hook_headers, opened, settle
from tests.helpdesk.fake_callback import FakeCallback
from tests.helpdesk.fake_jira import FakeJira
from tests.slack.harness import SlackHarness


async def flow(bot: SlackHarness, ref: str) -> None:
    room = bot.store.cases.by_ref(ref).room_id
    await bot.command("need sso", "UALICE", channel=room)
    await bot.command("join", "UCAROL", channel=room)
    await bot.command("handoff <@UBOB> waiting on the IdP team", "UALICE", channel=room)
    await bot.command("accept", "UBOB", channel=room)
    await bot.command("resolve IdP certificate rotated", "UBOB", channel=room)


def seed_jira(fake: FakeJira) -> None:
    fake.add_user("acc-alice", "Alice", "alice@acme.test")
    fake.add_user("acc-bob", "Bob", "bob@acme.test")
    fake.add_issue("SUP-7", "SSO broken", "Rita", "Acme", "acc-alice", priority="High")


async def test_jira_issue_to_swarm_and_back(bot: SlackHarness, jira: tuple[FakeJira, str]):
    fake, url = jira
    seed_jira(fake)
    fake.faults.rate = 0.2
    body = body_of(ticket_id="SUP-7", subject="SSO broken", priority="High", requester="Rita",
                   organization="Acme", assignee_email="alice@acme.test",
                   url=f"{url}/browse/SUP-7")
    headers = {"Content-Type": "application/json", "X-Swarmbot-Secret": JIRA_SECRET}
    forged = await bot.client.post("/helpdesk/jira", data=body, headers={
        **headers, "X-Swarmbot-Secret": "guess"})
    assert forged.status == 401
    resp = await bot.client.post("/helpdesk/jira", data=body, headers=headers)
    again = await bot.client.post("/helpdesk/jira", data=body, headers=headers)
    assert (again.status, (await again.json())["status"]) == (200, "duplicate")
    case = await opened(bot, resp, "SUP-7")
    assert (case.owner, case.customer, case.severity) == ("UALICE", "Acme", 2)
    await flow(bot, "SUP-7")
    fake.faults.rate = 0.0
    assert (await settle(bot)).get("failed", 0) == 0
    notes = fake.internal("SUP-7")
    assert len(notes) == 3, notes
    assert "Swarm opened" in notes[0] and "Warm handoff accepted" in notes[1]
    assert "IdP certificate rotated" in notes[2]
    assert fake.issues["SUP-7"]["fields"]["assignee"]["accountId"] == "acc-bob"
    assert all(not c["public"] for c in fake.comments["SUP-7"])


async def test_open_jira_key_alone_fetches_the_issue(bot: SlackHarness,
                                                     jira: tuple[FakeJira, str]):
    seed_jira(jira[0])
    await bot.command("open SUP-7", "UALICE")
    case = bot.store.cases.by_ref("SUP-7")
    assert (case.summary, case.customer, case.severity) == ("SSO broken", "Acme", 2)


async def test_generic_webhook_with_callback(bot: SlackHarness,
                                             callback: tuple[FakeCallback, str]):
    fake, url = callback
    fake.faults.rate = 0.2
    body = body_of(ticket_id="SF-00001026", subject="Acme SSO", priority="low",
                   requester="Rita", assignee_email="alice@acme.test",
                   url="https://acme.my.salesforce.com/500x", callback_url=url)
    assert (await bot.client.post("/helpdesk/webhook", data=body, headers={
        "Content-Type": "application/json", "X-Swarmbot-Signature": "sha256=00"})).status == 401
    resp = await bot.client.post("/helpdesk/webhook", data=body, headers=hook_headers(body))
    replay = await bot.client.post("/helpdesk/webhook", data=body, headers=hook_headers(body))
    assert (replay.status, (await replay.json())["status"]) == (200, "duplicate")
    case = await opened(bot, resp, "SF-00001026")
    assert (case.owner, case.customer, case.severity) == ("UALICE", "Rita", 4)
    await flow(bot, "SF-00001026")
    fake.faults.rate = 0.0
    assert (await settle(bot)).get("failed", 0) == 0
    kinds = [e["event"] for e in fake.events]
    assert kinds == ["note", "assignee", "note", "note"], fake.events
    assert fake.events[1]["email"] == "bob@acme.test"
    assert "IdP certificate rotated" in fake.events[3]["text"]
