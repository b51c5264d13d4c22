"""Issue 25: a confidential swarm whose ticket is tagged again after it was resolved is
reopened like any other (its helpdesk, whose webhook was authenticated, may see the case it
opened), where it used to stay `exists` with only a log line."""

from __future__ import annotations

from testkit.loopback import until
from tests.helpdesk.conftest import accepted, body_of, opened, settle, worked, zendesk_headers
from tests.helpdesk.fake_jira import FakeJira
from tests.helpdesk.fake_zendesk import FakeZendesk
from tests.helpdesk.test_ticket_life import seed, slack_config  # noqa: F401 (a fixture)
from tests.slack.harness import SlackHarness


async def test_a_confidential_swarm_tagged_again_is_reopened(
        bot: SlackHarness, zendesk: FakeZendesk) -> None:
    seed(zendesk, FakeJira())
    zendesk.add_ticket(124, "Payroll leak", requester=7, org="Acme", assignee=501)
    body = body_of(ticket_id="124", subject="Payroll leak", priority="high", requester="Rita",
                   organization="Acme", assignee_email="alice@acme.test",
                   url=f"{zendesk.base_url}/agent/tickets/124")
    case = await opened(bot, await bot.client.post(
        "/helpdesk/zendesk", data=body, headers=zendesk_headers(body)), "ZD-124")
    await bot.command("set visibility private", "UALICE", channel=case.room_id)
    await bot.command("resolve contained", "UALICE", channel=case.room_id)
    await settle(bot)
    assert bot.store.cases.by_ref("ZD-124").confidential
    again = await bot.client.post("/helpdesk/zendesk", data=body,
                                  headers=zendesk_headers(body, invocation="inv-c2"))
    await accepted(bot, again, "ZD-124")
    await worked(bot)
    await until(lambda: bot.store.cases.by_ref("ZD-124").is_open,
                "the confidential swarm reopened", 30)
    await settle(bot)
    reopened = bot.store.cases.by_ref("ZD-124")
    assert reopened.confidential and reopened.owner == "UALICE"
    assert zendesk.statuses[124] == ["solved", "open"]
