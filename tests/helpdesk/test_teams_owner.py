"""A Zendesk webhook whose swarm opens on Teams: the owner is the ticket's assignee, found
by email in the team roster (Bot Connector); not found -> triage is asked, nothing guessed;
an accepted handoff sets the assignee from the new owner's roster email."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession, web

from adapters.bootstrap import build_core
from adapters.helpdesk.server import HELPDESK_RUNTIME, add_helpdesk_routes, start_helpdesks
from adapters.teams.endpoint import add_teams_routes, start_teams
from bot.config import Config
from testkit.loopback import serve
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.jwks_issuer import JwksIssuer
from tests.helpdesk.conftest import ZD_SECRET, body_of, zendesk_headers
from tests.helpdesk.fake_zendesk import EMAIL, TOKEN, FakeZendesk
from tests.helpdesk.test_zendesk import TRIGGER
from tests.teams.conftest import (  # noqa: F401, F811 - fixtures
    ANN,
    APP_ID,
    BOB,
    NAMES,
    PASSWORD,
    TRIAGE_CHANNEL,
    Teams,
    connector,
    issuer,
    teams_config,
)

ROSTER = [{"id": ANN, "name": NAMES[ANN], "aadObjectId": "aad-ann", "email": "ann@acme.test",
           "userPrincipalName": "ann@acme.test"},
          {"id": BOB, "name": NAMES[BOB], "aadObjectId": "aad-bob",
           "userPrincipalName": "bob@acme.test"}]


@pytest.fixture
async def desk(teams_config: Config, issuer: JwksIssuer,  # noqa: F811
               connector: FakeConnector,  # noqa: F811
               clock: Any, zendesk: FakeZendesk) -> AsyncIterator[Teams]:
    """`swarmbot serve` with Teams and Zendesk, as build_server wires them."""
    teams_config.helpdesk.zendesk.enabled = True
    teams_config.helpdesk.zendesk.api_url = zendesk.base_url
    teams_config.helpdesk.zendesk.email = EMAIL
    teams_config.helpdesk.backoff_ms = 1
    env = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD,
           "ZENDESK_API_TOKEN": TOKEN, "ZENDESK_WEBHOOK_SECRET": ZD_SECRET}
    connector.roster = ROSTER
    zendesk.add_user(7, "Rita Requester", "rita@customer.test", role="end-user")
    zendesk.add_user(501, "Ann Agent", "ann@acme.test")
    zendesk.add_user(502, "Bob Agent", "bob@acme.test")
    zendesk.add_ticket(123, TRIGGER["subject"], requester=7, org="Acme", assignee=501,
                       priority="urgent")
    zendesk.add_ticket(124, "Nobody's ticket", requester=7, org="Acme")
    async with ClientSession() as session:
        runtime = await start_teams(teams_config, env)
        core = build_core(teams_config, {"teams": runtime.port}, clock=clock)
        app = web.Application()
        add_teams_routes(app, runtime, core, refs=core.deps.store.refs)
        add_helpdesk_routes(app, start_helpdesks(teams_config, env), core)
        runner, url = await serve(app)
        t = Teams(url, session, issuer, connector, core, runtime, runner)
        yield t
        await t.stop()


async def webhook(desk: Teams, **fields: Any) -> None:
    """The webhook is answered `accepted` at once; its swarm opens after the answer."""
    body = body_of(**{**TRIGGER, **fields})
    ref = f"ZD-{fields.get('ticket_id', '123')}"
    headers = zendesk_headers(body, at=desk.core.deps.now(),
                              invocation=f"inv-{fields.get('ticket_id', '123')}")
    async with desk.session.post(f"{desk.url}/helpdesk/zendesk", data=body,
                                 headers=headers) as resp:
        answer = await resp.json()
        assert resp.status == 202 and answer == {"status": "accepted", "ref": ref}, answer
    await asyncio.wait_for(desk.runner.app[HELPDESK_RUNTIME].work.drain(), 60)
    assert desk.core.deps.store.cases.by_ref(ref) is not None, f"{ref} was not opened"


async def test_a_zendesk_assignee_owns_the_teams_swarm(desk: Teams,
                                                       zendesk: FakeZendesk) -> None:
    await desk.post(desk.message(ANN, "help"))  # Teams has talked to the bot once
    await webhook(desk, assignee_email="ann@acme.test")
    case = desk.core.deps.store.cases.by_ref("ZD-123")
    assert (case.owner, case.platform, case.severity) == (ANN, "teams", 1)
    assert any(c.method == "GET" and c.path.endswith("/members") for c in desk.connector.calls)
    assert "Owner: Ann Owner" in zendesk.notes(123)[0]
    room = case.room_id
    await desk.post(desk.message(ANN, f"handoff @{BOB} Rita waits for the SAML fix",
                                 conversation=room, mentions=(BOB,)))
    await desk.post(desk.message(BOB, "accept", conversation=room))
    assert desk.core.deps.store.cases.by_ref("ZD-123").owner == BOB
    notes = zendesk.notes(123)
    assert "Warm handoff accepted" in notes[1] and "Assignee: bob@acme.test" in notes[1]
    assert zendesk.tickets[123]["assignee_id"] == 502


async def test_an_assignee_not_in_the_team_asks_triage(desk: Teams,
                                                       zendesk: FakeZendesk) -> None:
    await desk.post(desk.message(ANN, "help"))
    await webhook(desk, ticket_id="124", assignee_email="ghost@acme.test",
                  subject="Nobody's ticket")
    case = desk.core.deps.store.cases.by_ref("ZD-124")
    assert case.owner == "zendesk" and case.room_id
    asked = [json.dumps(c.body) for c in desk.connector.sent(TRIAGE_CHANNEL)]
    assert any("without an owner" in a and "ghost@acme.test is not a teams user" in a
               for a in asked), asked
    # The placeholder is never mentioned or messaged on Teams.
    for call in desk.connector.calls:
        body = call.body if isinstance(call.body, dict) else {}
        assert all((e.get("mentioned") or {}).get("id") != "zendesk"
                   for e in body.get("entities") or []), json.dumps(body)[:3000]
        assert {"id": "zendesk"} not in body.get("members", []), call
    assert "No owner yet" in zendesk.notes(124)[0]
