"""Issue 27: the registrations Azure allows new bots (single-tenant, user-assigned managed
identity), the tenant check, and what `check` / `teams-package` say about them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from adapters.bootstrap import build_core
from adapters.cli import main
from adapters.teams.endpoint import add_teams_routes, start_teams
from adapters.teams.registration import registration_of, registration_problems
from bot.config import Config
from bot.errors import ConfigError
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.identity_endpoint import IdentityEndpoint
from testkit.teams.jwks_issuer import APP_ID, PASSWORD, JwksIssuer
from tests.teams.conftest import Teams, payload, serve

TENANT = payload("channel_message")["channelData"]["tenant"]["id"]
OTHER_TENANT = "0badc0de-0000-4000-8000-0000000000ff"
SINGLE = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD,
          "MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": TENANT}
MSI = {"MicrosoftAppId": APP_ID, "MicrosoftAppType": "UserAssignedMSI",
       "MicrosoftAppTenantId": TENANT}


async def start(config: Config, env: dict[str, str], issuer: JwksIssuer,
                connector: FakeConnector, clock: Any, session: ClientSession) -> Teams:
    runtime = await start_teams(config, env)
    core = build_core(config, {"teams": runtime.port}, clock=clock)
    app = web.Application()
    add_teams_routes(app, runtime, core, refs=core.deps.store.refs)
    runner, url = await serve(app)
    return Teams(url, session, issuer, connector, core, runtime, runner)


@pytest.fixture
async def identity(issuer: JwksIssuer) -> AsyncIterator[IdentityEndpoint]:
    endpoint = IdentityEndpoint(issuer, APP_ID)
    await endpoint.start()
    yield endpoint
    await endpoint.stop()


def from_tenant(teams: Teams, tenant: str, text: str) -> dict[str, Any]:
    act = teams.activity("personal_message", text=text)
    act["channelData"] = {"tenant": {"id": tenant}}
    act["conversation"]["tenantId"] = tenant
    return act


async def test_another_tenants_activity_is_refused_even_with_a_valid_token(
        teams_config: Config, issuer: JwksIssuer, connector: FakeConnector, clock: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    async with ClientSession() as session:
        teams = await start(teams_config, SINGLE, issuer, connector, clock, session)
        try:
            foreign = from_tenant(teams, OTHER_TENANT, "open ZD-1 sev2 from elsewhere")
            with caplog.at_level(logging.INFO, logger="swarmbot.teams"):
                status, body = await teams.post(foreign)  # a token the issuer really signed
            assert status == 403 and body == {"error": "activity from another tenant"}
            assert connector.calls == []
            assert teams.core.deps.store.cases.by_ref("ZD-1") is None
            assert any(f"from tenant {OTHER_TENANT}" in r.getMessage() and
                       f"serves tenant {TENANT} only" in r.getMessage()
                       for r in caplog.records)
            # An activity naming no tenant at all is not this tenant's either.
            bare = teams.activity("personal_message", text="open ZD-2 sev2 no tenant")
            bare["channelData"] = {}
            bare["conversation"].pop("tenantId", None)
            assert (await teams.post(bare))[0] == 403
            # Its own tenant's, the same way, is answered.
            own = from_tenant(teams, TENANT, "open ZD-3 sev2 from home")
            assert (await teams.post(own))[0] == 201
            assert teams.core.deps.store.cases.by_ref("ZD-3") is not None
        finally:
            await teams.stop()


@pytest.mark.parametrize("protocol", ["app_service", "imds"])
async def test_a_managed_identity_needs_no_secret_and_gets_its_token_from_the_endpoint(
        teams_config: Config, issuer: JwksIssuer, connector: FakeConnector, clock: Any,
        identity: IdentityEndpoint, protocol: str) -> None:
    env = {**MSI, **(identity.app_service_env if protocol == "app_service"
                     else identity.imds_env)}
    assert "MicrosoftAppPassword" not in env
    async with ClientSession() as session:
        teams = await start(teams_config, env, issuer, connector, clock, session)
        try:
            act = from_tenant(teams, TENANT, "help")
            status, _ = await teams.post(act)
            assert status == 201
            replies = [c for c in connector.calls if c.path.endswith(f"/{act['id']}")]
            assert len(replies) == 1
            # The connector (which checks it) got the managed identity's token; the client
            # credentials endpoint was never asked.
            assert replies[0].auth == f"Bearer {identity.issued[0]}"
            assert issuer.issued_bot_tokens == []
            asked = identity.requests[0]
            assert asked["client_id"] == APP_ID
            assert asked["resource"] == "https://api.botframework.com"
        finally:
            await teams.stop()


async def test_a_managed_identity_the_endpoint_does_not_know_is_a_500_logged(
        teams_config: Config, issuer: JwksIssuer, connector: FakeConnector, clock: Any,
        identity: IdentityEndpoint, caplog: pytest.LogCaptureFixture) -> None:
    identity.client_id = "someone-else"
    async with ClientSession() as session:
        teams = await start(teams_config, {**MSI, **identity.app_service_env}, issuer,
                            connector, clock, session)
        try:
            status, _ = await teams.post(from_tenant(teams, TENANT, "help"))
            assert status == 500  # our side's fault, never a 401 to the channel
            assert connector.calls == []  # nothing sent without a token
            assert any("managed identity endpoint" in str(r.exc_info and r.exc_info[1])
                       for r in caplog.records)
        finally:
            await teams.stop()


@pytest.mark.parametrize(("env", "problem"), [
    ({**MSI, "MicrosoftAppPassword": "x"}, "uses no secret"),
    ({**MSI, "MicrosoftAppTenantId": ""},
     "MicrosoftAppTenantId not set (needed by a UserAssignedMSI Teams registration)"),
    ({**SINGLE, "MicrosoftAppPassword": ""}, "MicrosoftAppPassword not set (needed by a "
                                             "SingleTenant"),
    ({**SINGLE, "MicrosoftAppType": "Multi"}, "must be one of SingleTenant, UserAssignedMSI, "
                                              "MultiTenant, not 'Multi'"),
    ({"MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId is not set"),
])
def test_each_registration_problem_is_one_line(env: dict[str, str], problem: str) -> None:
    [line] = registration_problems(env)
    assert problem in line
    with pytest.raises(ConfigError):
        registration_of(env)


def test_the_registration_a_config_describes() -> None:
    assert registration_of(SINGLE).describe().startswith("Teams registration: single-tenant")
    assert "no client secret" in registration_of(MSI).describe()
    legacy = registration_of({"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD})
    assert legacy.kind == "MultiTenant" and "2025-07-31" in legacy.describe()
    assert registration_of({}).kind == ""


def test_check_and_teams_package_say_which_registration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\npath = "{tmp_path}/s.db"\n[teams]\n'
                      'swarm_channel_id = "19:swarm@thread.tacv2"\n', encoding="utf-8")
    for name, value in MSI.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MicrosoftAppPassword", raising=False)
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"Teams registration: user-assigned managed identity (client id {APP_ID}, " \
           f"tenant {TENANT}" in out
    assert main(["teams-package", "--app-id", APP_ID, "--url", "https://bot.example.com/",
                 "--out", str(tmp_path / "app.zip"), "--privacy-url",
                 "https://example.com/privacy", "--terms-url", "https://example.com/terms"]) == 0
    assert "Teams registration: user-assigned managed identity" in capsys.readouterr().out
