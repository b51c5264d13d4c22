"""Issue 27: with several Slack workspaces served, a helpdesk's swarms open in the workspace
its section names (`workspace`): the case is that workspace's, made with its token, and
another workspace sees nothing of it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.serve import build_server
from bot import tenancy
from bot.config import Config
from testkit.slack.fake_slack import FakeSlack, Workspace
from tests.helpdesk.conftest import ENV, HOOK_SECRET, body_of, hook_headers, worked
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import CLIENT_ID, OAUTH_ENV, Browser

BETA = Workspace("T0002", "Beta")


@pytest.fixture
async def bot(aiohttp_client: Any, people: FakeSlack, slack_config: Config) -> SlackHarness:
    slack_config.server.public_url = "https://swarm.example.com"
    slack_config.slack.oauth.enabled = True
    slack_config.slack.oauth.client_id = CLIENT_ID
    slack_config.helpdesk.webhook.enabled = True
    slack_config.helpdesk.webhook.workspace = "T0002"
    app = await build_server(slack_config, {**ENV, **OAUTH_ENV})
    harness = SlackHarness(await aiohttp_client(app), people)
    assert (await Browser(harness).install(people, BETA))[0] == 200
    return harness


async def test_a_helpdesk_swarm_opens_in_its_workspace(bot: SlackHarness,
                                                       people: FakeSlack) -> None:
    assert HOOK_SECRET
    beta_token = people.installed[0]["access_token"]
    body = body_of(ticket_id="SF-00002001", subject="Acme SSO", priority="low",
                   requester="Rita", assignee_email="alice@acme.test")
    resp = await bot.client.post("/helpdesk/webhook", data=body, headers=hook_headers(body))
    assert resp.status == 202, await resp.text()
    await worked(bot)
    with tenancy.scoped(tenancy.Tenant("T0002")):
        case = bot.store.cases.by_ref("SF-00002001")
    assert case is not None and case.workspace == "T0002" and case.owner == "UALICE"
    with tenancy.scoped(tenancy.Tenant("T0001")):
        assert bot.store.cases.by_ref("SF-00002001") is None
    looked_up = people.calls_to("users.lookupByEmail")
    assert looked_up and all(c.token == beta_token for c in looked_up)
    made = [c for c in people.calls_to("conversations.create")
            if "sf-00002001" in json.dumps(c.args)]
    assert made and all(c.token == beta_token for c in made)


async def test_the_same_ticket_id_opens_a_swarm_in_each_workspace(
        bot: SlackHarness, people: FakeSlack) -> None:
    """Workspace A has a case SF-00002002 of its own; the helpdesk of B sends a ticket with
    that id: B gets its swarm (a ref is unique per workspace), A's case is not touched, and
    the ticket tagged again finds B's swarm, never A's."""
    from tests.slack.test_tenancy import say

    await say(bot, "T0001", "UALICE", 'open SF-00002002 sev2 customer="Acme" A own case')
    with tenancy.scoped(tenancy.Tenant("T0001")):
        case_a = bot.store.cases.by_ref("SF-00002002")
    assert case_a is not None and case_a.workspace == "T0001"
    for n in (1, 2):  # the second: the ticket tagged for a swarm again
        body = body_of(ticket_id="SF-00002002", subject="Globex printer", priority="low",
                       requester="Rita", assignee_email="alice@acme.test", again=n)
        resp = await bot.client.post("/helpdesk/webhook", data=body,
                                     headers=hook_headers(body))
        assert resp.status == 202, await resp.text()
        await worked(bot)
    with tenancy.scoped(tenancy.Tenant("T0002")):
        case_b = bot.store.cases.by_ref("SF-00002002")
    assert case_b is not None and case_b.id != case_a.id and case_b.workspace == "T0002"
    assert "Globex printer" in case_b.summary
    assert [c.id for c in bot.store.cases.all_with_ref("SF-00002002")] == [case_a.id,
                                                                             case_b.id]
    kept = bot.store.cases.by_id(case_a.id)
    assert kept is not None and kept.summary == case_a.summary and kept.is_open
    # Nothing of B's ticket reached A's case's timeline.
    assert not any("Globex" in (e.text or "") for e in bot.store.timeline.events(case_a.id))
