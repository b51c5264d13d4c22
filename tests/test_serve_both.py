"""`swarmbot serve` with Slack and Teams at once: one server, one store, one core."""

from __future__ import annotations

from aiohttp import ClientSession

from adapters.serve import build_server
from tests.loopback import serve
from tests.slack.fake_slack import TOKEN, FakeSlack
from tests.slack.signing import SIGNING_SECRET, form_body, payload, signed_headers
from tests.teams.conftest import APP_ID, PASSWORD, SWARM_CHANNEL, TRIAGE_CHANNEL, Teams
from tests.teams.fake_connector import FakeConnector
from tests.teams.jwks_issuer import JwksIssuer


async def test_one_server_speaks_slack_and_teams(config, tmp_path) -> None:
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    slack_runner, slack_url = await serve(fake.app)
    fake.base_url = slack_url + "/"
    issuer = JwksIssuer(APP_ID, PASSWORD)
    await issuer.start()
    connector = FakeConnector(check_token=issuer.check_bot_token)
    await connector.start()
    config.slack.enabled, config.slack.api_url = True, fake.base_url + "api/"
    config.slack.triage_channel = "#swarm-triage"
    config.teams.enabled = True
    config.teams.swarm_team_id = "19:team@thread.tacv2"
    config.teams.swarm_channel_id, config.teams.triage_channel_id = SWARM_CHANNEL, TRIAGE_CHANNEL
    config.teams.openid_metadata_url = issuer.metadata_url
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD}
    app = await build_server(config, env)
    runner, url = await serve(app)
    try:
        async with ClientSession() as session:
            async with session.get(url + "/healthz") as resp:
                assert resp.status == 200 and (await resp.json()) == {"ok": True}
            # A case opened from Slack...
            fields = payload("slash_command.json")
            fields.update(text="open ZD-1 sev2 Slack side", user_id="U1",
                          response_url=fake.response_url("r1"))
            body = form_body(fields)
            async with session.post(url + "/slack/events", data=body.encode(), headers=
                                    signed_headers(body, "application/x-www-form-urlencoded")
                                    ) as resp:
                assert resp.status == 200
            from adapters.slack.server import SLACK_RUNTIME

            await app[SLACK_RUNTIME].work.drain()
            assert fake.channel_named("swarm-zd-1-slack-side") is not None
            # ...is readable from Teams, but changed only where it lives.
            teams = Teams(url, session, issuer, connector, None, None)  # type: ignore[arg-type]
            status, _ = await teams.post(teams.message("29:1ann-aad", "status ZD-1"))
            assert status in (200, 201)
            assert "Slack side" in str(connector.sent()[-1].body)
            await teams.post(teams.message("29:1ann-aad", "join ZD-1"))
            assert "ZD-1 lives in Slack" in str(connector.sent()[-1].body)
            status, _ = await teams.post(teams.message("29:1ann-aad", "open ZD-2 Teams side"))
            assert status in (200, 201) and connector.created()
    finally:
        await runner.cleanup()
        await connector.stop()
        await issuer.stop()
        await slack_runner.cleanup()
