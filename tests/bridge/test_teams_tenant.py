"""Issue 27: a Teams delivery runs as its Entra tenant (`channelData.tenant.id`). Where one
deployment serves several Slack workspaces (`[slack.oauth]`), the tenant's cases and Slack
workspace A's are kept apart, both ways; with the bridge on, the tenant is joined with
SLACK_BOT_TOKEN's workspace and the whole bridged swarm still works (its Slack calls with
that workspace's token). Real Bot Framework activities, signed by the local JWKS issuer, to a
single-tenant registration; the fake Bot Connector and the fake Slack Web API on loopback."""

from __future__ import annotations

import json

from adapters.bootstrap import open_config_store
from bot import tenancy
from bot.config import Config
from handlers.delivery import Delivery, Sender, Typed, Workspace
from testkit.loopback import until
from testkit.slack.fake_slack import TOKEN
from tests.bridge.test_one_swarm import check_the_swarm, run_the_swarm
from tests.bridge.world import World, bridged
from tests.serving import both_platforms
from tests.slack.oauth_harness import CLIENT_ID, OAUTH_ENV
from tests.teams.conftest import ANN, APP_ID, PASSWORD, payload

TENANT = payload("channel_message")["channelData"]["tenant"]["id"]
SINGLE_TENANT = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD,
                 "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": TENANT}
SLACK_WORD, TEAMS_WORD = "zanzibar", "kilimanjaro"


def several_workspaces(config: Config) -> dict[str, str]:
    config.server.public_url = "https://swarm.example.com"
    config.slack.oauth.enabled = True
    config.slack.oauth.client_id = CLIENT_ID
    return {**OAUTH_ENV, **SINGLE_TENANT}


def answers(world: World) -> str:
    """What the last Teams command was answered with (a reply to its activity)."""
    return str([c.body for c in world.both.connector.sent() if "replyToId" in c.body][-1])


def slack_answers(world: World) -> str:
    return json.dumps(world.both.fake.responses[-3:])


async def test_a_teams_tenant_and_a_slack_workspace_see_nothing_of_each_other(
        config: Config) -> None:
    env = several_workspaces(config)
    async with both_platforms(config, env=env) as both:
        world = World(both)
        await world.slack(f'open ZD-1 sev2 customer="Acme" {SLACK_WORD} sso')
        assert await world.teams(ANN, f'open ZD-1 sev3 customer="Globex" {TEAMS_WORD} vpn') \
            in (200, 201)
        assert "taken" not in answers(world) and "already" not in answers(world)
        await world.teams(ANN, f"open ZD-2 sev3 {TEAMS_WORD} printer")
        await world.settle()
        store = world.deps.store
        cases = {(c.ref, c.platform): c for c in store.cases.all()}
        assert cases[("ZD-1", "teams")].workspace == TENANT
        assert cases[("ZD-2", "teams")].workspace == TENANT
        assert cases[("ZD-1", "slack")].workspace == "T0001"
        # Teams: its own ZD-1, nothing of Slack's.
        for ask in ("status ZD-1", "find sso", "list", "history ZD-1"):
            await world.teams(ANN, ask)
            said = answers(world)
            assert SLACK_WORD not in said and "Acme" not in said, (ask, said)
        await world.teams(ANN, f"find {SLACK_WORD}")
        assert "No case matches" in answers(world)
        await world.teams(ANN, "status ZD-1")
        assert TEAMS_WORD in answers(world)
        # Slack workspace A: its own ZD-1, nothing of the tenant's.
        for ask in ("status ZD-1", "status ZD-2", "list"):
            await world.slack(ask)
            said = slack_answers(world)
            assert TEAMS_WORD not in said and "Globex" not in said, (ask, said)
        await world.slack(f"find {TEAMS_WORD}")
        assert "No case matches" in slack_answers(world)
        await world.slack("status ZD-1")
        assert SLACK_WORD in slack_answers(world)


async def test_with_the_bridge_the_tenant_is_joined_with_the_deployment_s_workspace(
        config: Config) -> None:
    env = several_workspaces(config)
    async with bridged(config, env=env) as world:
        channel, thread = await run_the_swarm(world)
        check_the_swarm(world, channel, thread)
        # Every Slack call, those Teams commands made too, with SLACK_BOT_TOKEN's token.
        calls = [c for c in world.both.fake.calls if c.method != "oauth.v2.access"]
        assert calls and {c.token for c in calls} == {TOKEN}
        assert not [r for r in world.deps.store.outbox.counts() if r == "failed"]
        # A case opened in Teams is the tenant's, and seen from the joined workspace.
        await world.teams(ANN, f"open ZD-30 sev3 {TEAMS_WORD} vpn")
        await world.settle()
        await world.slack("status ZD-30")
        assert TEAMS_WORD in slack_answers(world)


async def test_teams_cases_kept_before_tenants_were_recorded_become_the_tenant_s(
        config: Config) -> None:
    """An upgrade: Teams cases kept with no workspace, or taken by SLACK_BOT_TOKEN's
    workspace when OAuth was turned on, are the configured tenant's after the start."""
    env = several_workspaces(config)
    store = open_config_store(config)
    try:
        at = "2026-11-30T09:00:00Z"
        store.people.ensure(ANN, "teams", "Ann Owner", None, at)
        store.people.ensure("U1", "slack", "Steve", None, at)
        with store.transaction():
            old = store.cases.add("ZD-40", "", f"{TEAMS_WORD} old one", 2, ANN, "teams", at)
        with tenancy.scoped(tenancy.Tenant("T0001")):
            taken = store.cases.add("ZD-41", "", f"{TEAMS_WORD} taken", 2, ANN, "teams", at)
            slack = store.cases.add("ZD-42", "", f"{SLACK_WORD} slack's", 2, "U1", "slack",
                                    at)
    finally:
        store.close()
    async with both_platforms(config, env=env) as both:
        world = World(both)
        store = world.deps.store
        assert [store.cases.by_id(i).workspace  # type: ignore[union-attr]
                for i in (old, taken, slack)] == [TENANT, TENANT, "T0001"]
        await world.teams(ANN, "status ZD-41")
        assert f"{TEAMS_WORD} taken" in answers(world)
        await world.teams(ANN, "status ZD-42")
        assert SLACK_WORD not in answers(world)


async def test_a_teams_delivery_replayed_after_a_restart_runs_as_its_tenant(
        config: Config) -> None:
    """The inbox keeps the delivery's tenant: one acknowledged before a crash and run at the
    next start opens its case in the tenant, not in SLACK_BOT_TOKEN's workspace or none."""
    env = several_workspaces(config)
    store = open_config_store(config)
    try:
        delivery = Delivery(source="teams", sender=Sender(ANN, "Ann Owner"),
                            what=Typed(f"open ZD-50 sev3 {TEAMS_WORD} replayed"),
                            key="teams-before-the-crash", workspace=Workspace(TENANT))
        assert store.inbox.put(delivery.key or "", "teams", delivery.to_json(),
                               "2026-11-30T09:00:00Z")
        assert '"workspace"' in delivery.to_json()
    finally:
        store.close()
    async with both_platforms(config, env=env) as both:
        world = World(both)
        store = world.deps.store
        # The replay loop's first pass, started with the server.
        await until(lambda: store.cases.all_with_ref("ZD-50") != [], "ZD-50 replayed", 30)
        assert [c.workspace for c in store.cases.all_with_ref("ZD-50")] == [TENANT]
        await world.slack("status ZD-50")
        assert TEAMS_WORD not in slack_answers(world)
