"""`swarmbot serve` with Slack and Teams at once: one server, one store, one core."""

from __future__ import annotations

from tests.serving import both_platforms


async def test_one_server_speaks_slack_and_teams(config) -> None:
    async with both_platforms(config) as world:
        async with world.session.get(world.url + "/healthz") as resp:
            assert resp.status == 200 and (await resp.json()) == {"ok": True}
        # A case opened from Slack...
        await world.slack("open ZD-1 sev2 Slack side")
        assert world.fake.channel_named("swarm-zd-1-slack-side") is not None
        # ...is readable from Teams, but changed only where it lives.
        teams, connector = world.teams, world.connector
        status, _ = await teams.post(teams.message("29:1ann-aad", "status ZD-1"))
        assert status in (200, 201)
        assert "Slack side" in str(connector.sent()[-1].body)
        await teams.post(teams.message("29:1ann-aad", "join ZD-1"))
        assert "ZD-1 lives in Slack" in str(connector.sent()[-1].body)
        status, _ = await teams.post(teams.message("29:1ann-aad", "open ZD-2 Teams side"))
        assert status in (200, 201) and connector.created()
