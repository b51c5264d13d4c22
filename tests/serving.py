"""One `serve` app with Slack and Teams both on, every far side on loopback.

Shared by the tests that need the whole server (metrics, both platforms at once): the fake
Slack Web API, a JWKS issuer, the fake Bot Connector, and the app built by the composition root.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import ClientSession, web

from adapters.bootstrap import build_server
from adapters.slack.server import SLACK_RUNTIME
from adapters.teams.endpoint import RUNTIME_KEY as TEAMS_RUNTIME
from bot.config import Config
from testkit.loopback import serve
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.fake_graph import FakeGraph, StaticToken
from testkit.teams.jwks_issuer import JwksIssuer
from tests.teams.conftest import APP_ID, PASSWORD, SWARM_CHANNEL, TRIAGE_CHANNEL, Teams


@dataclass
class Both:
    app: web.Application
    url: str
    session: ClientSession
    fake: FakeSlack
    connector: FakeConnector
    teams: Teams
    graph: FakeGraph | None = None  # with_graph: [teams.graph] on, this loopback Graph

    async def slack(self, text: str, user: str = "U1") -> None:
        """A signed `/swarm` slash command; waits for its platform calls."""
        fields = payload("slash_command.json")
        fields.update(text=text, user_id=user, response_url=self.fake.response_url("r"))
        body = form_body(fields)
        async with self.session.post(self.url + "/slack/events", data=body.encode(), headers=
                                     signed_headers(body, "application/x-www-form-urlencoded")
                                     ) as resp:
            assert resp.status == 200
        await self.app[SLACK_RUNTIME].work.drain()


@asynccontextmanager
async def both_platforms(config: Config, with_graph: bool = False,
                         env: dict[str, str] | None = None) -> AsyncIterator[Both]:
    """`env`: more environment (OAuth's secrets, a Teams tenant)."""
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    slack_runner, slack_url = await serve(fake.app)
    fake.base_url = slack_url + "/"
    issuer = JwksIssuer(APP_ID, PASSWORD)
    await issuer.start()
    connector = FakeConnector(check_token=issuer.check_bot_token)
    await connector.start()
    graph = FakeGraph(connector) if with_graph else None
    graph_runner, graph_url = await serve(graph.app()) if graph else (None, "")
    config.slack.enabled, config.slack.api_url = True, fake.base_url + "api/"
    config.slack.triage_channel = "#swarm-triage"
    config.teams.enabled = True
    config.teams.swarm_team_id = "19:team@thread.tacv2"
    config.teams.swarm_channel_id, config.teams.triage_channel_id = SWARM_CHANNEL, TRIAGE_CHANNEL
    config.teams.openid_metadata_url = issuer.metadata_url
    base_env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD}
    if graph is not None:
        config.teams.graph.enabled, config.teams.graph.graph_url = True, graph_url + "/v1.0"
        config.teams.graph.tenant_id = config.teams.graph.client_id = "graph-app"
        base_env["SWARMBOT_GRAPH_CLIENT_SECRET"] = "graph-secret"
    app = await build_server(config, {**base_env, **(env or {})},
                             StaticToken() if graph else None)
    runner, url = await serve(app)
    try:
        async with ClientSession() as session:
            teams = Teams(url, session, issuer, connector, None,  # type: ignore[arg-type]
                          app[TEAMS_RUNTIME])  # type: ignore[arg-type]
            yield Both(app, url, session, fake, connector, teams, graph)
    finally:
        await runner.cleanup()
        if graph_runner is not None:
            await graph_runner.cleanup()
        await connector.stop()
        await issuer.stop()
        await slack_runner.cleanup()
