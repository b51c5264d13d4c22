"""Only valid Bot Framework tokens reach the bot; Emulator mode only without an app id."""

from __future__ import annotations

import logging

import pytest
from aiohttp import ClientSession, web

from adapters.bootstrap import build_core
from adapters.teams.endpoint import add_teams_routes, start_teams
from bot.config import Config
from bot.errors import ConfigError
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.jwks_issuer import JwksIssuer, new_key
from tests.teams.conftest import ANN, APP_ID, Teams, serve


async def test_valid_token_runs_the_command_and_replies_through_the_connector(
        teams: Teams) -> None:
    act = teams.activity("personal_message", text="help")
    status, _ = await teams.post(act)
    assert status == 201
    replies = [c for c in teams.connector.calls
               if c.path == f"/v3/conversations/a:1personal-ann/activities/{act['id']}"]
    assert len(replies) == 1
    # The bot's outgoing call carried a token from the (local) token endpoint.
    assert teams.connector.calls[0].auth == f"Bearer {teams.issuer.issued_bot_tokens[0]}"


@pytest.mark.parametrize("case", ["missing", "forged", "expired", "wrong_audience",
                                  "wrong_service_url", "unknown_key", "garbage",
                                  "wrong_issuer"])
async def test_bad_tokens_get_401_and_never_reach_the_core(teams: Teams, case: str) -> None:
    act = teams.activity("personal_message", text="open ZD-1 sev2 should not open")
    tokens = {
        "missing": None,
        "forged": teams.token(act, key=new_key()),  # right kid, wrong private key
        "expired": teams.token(act, expires_in=-3600),
        "wrong_audience": teams.token(act, audience="someone-elses-bot"),
        "wrong_service_url": teams.issuer.channel_token("https://evil.example/"),
        "unknown_key": teams.token(act, kid="not-a-published-key"),
        "garbage": "not.a.jwt",
        "wrong_issuer": teams.token(act, issuer="https://login.evil.example"),
    }
    status, _ = await teams.post(act, token=tokens[case])
    assert status == 401
    assert teams.connector.calls == []
    assert teams.core.deps.store.cases.by_ref("ZD-1") is None


async def test_the_check_can_fail_a_valid_token_is_accepted_in_the_same_setup(
        teams: Teams) -> None:
    act = teams.activity("personal_message", text="open ZD-1 sev2 does open")
    status, _ = await teams.post(act, token=teams.token(act))
    assert status == 201
    assert teams.core.deps.store.cases.by_ref("ZD-1") is not None


async def test_refused_bot_credentials_are_a_500_logged_not_a_silent_success(
        teams: Teams, caplog: pytest.LogCaptureFixture) -> None:
    teams.issuer.password = "rotated"  # the registration's secret changed under us
    act = teams.activity("personal_message", text="help")
    status, body = await teams.post(act)
    assert status == 500 and "internal error" in body["error"]
    assert "token endpoint refused" in caplog.text


async def test_emulator_mode_without_app_id_accepts_unsigned_requests_and_says_so(
        config: Config, issuer: JwksIssuer, caplog: pytest.LogCaptureFixture) -> None:
    connector = FakeConnector()
    await connector.start()
    config.teams.enabled = True
    config.teams.openid_metadata_url = issuer.metadata_url
    caplog.set_level(logging.INFO, logger="swarmbot.teams")
    runtime = await start_teams(config, env={})
    assert "Emulator mode" in caplog.text
    core = build_core(config, {"teams": runtime.port})
    app = web.Application()
    add_teams_routes(app, runtime, core)
    runner, url = await serve(app)
    try:
        act = Teams(url, None, issuer, connector, core, runtime).activity(  # type: ignore
            "personal_message", text="help")
        async with ClientSession() as session, \
                session.post(f"{url}/api/messages", json=act) as resp:
            assert resp.status == 201
        await runtime.work.drain()  # the command runs after the ack
        assert connector.calls and connector.calls[0].auth is None
    finally:
        await runner.cleanup()
        core.deps.store.close()
        await connector.stop()


def test_an_app_id_without_its_password_stops_start_up() -> None:
    from adapters.teams.auth import BotIdentity

    with pytest.raises(ConfigError, match="MicrosoftAppPassword"):
        BotIdentity.from_env({"MicrosoftAppId": APP_ID})


async def test_non_json_and_non_activity_bodies_are_refused(teams: Teams) -> None:
    async with teams.session.post(f"{teams.url}/api/messages", data="hi",
                                  headers={"Content-Type": "text/plain"}) as resp:
        assert resp.status == 415
    # Authentication comes before parsing: without a token, even garbage is a 401 ...
    async with teams.session.post(f"{teams.url}/api/messages", json={"text": "no type"}) as r:
        assert r.status == 401
    # ... and with one, a body that is no activity is a 400.
    token = teams.issuer.channel_token(teams.connector.base_url)
    async with teams.session.post(f"{teams.url}/api/messages", json={"text": "no type"},
                                  headers={"Authorization": f"Bearer {token}"}) as r:
        assert r.status == 400 and "type" in (await r.json())["error"]


async def test_a_bad_date_is_named_with_its_right_form(teams: Teams) -> None:
    for key, value in (("timestamp", "yesterday"), ("localTimestamp", "2026-02-30T09:00:00Z")):
        status, body = await teams.post(teams.message(ANN, "help") | {key: value})
        assert status == 400
        assert body["error"] == (f"not a Bot Framework activity: {key} must be an ISO 8601 "
                                 "date-time, like 2026-11-29T09:00:00.000Z")


async def test_a_verified_token_is_still_checked_against_each_activity(teams: Teams) -> None:
    """botbuilder_fixes defect 8 keeps verified tokens: the same token on an activity for
    another service URL (its `serviceurl` claim says where it may be used) is refused."""
    first = teams.message(ANN, "help")
    token = teams.token(first)
    assert (await teams.post(first, token=token))[0] == 201
    again = teams.message(ANN, "help")
    assert (await teams.post(again, token=token))[0] == 201  # the same token, remembered
    elsewhere = teams.message(ANN, "help") | {"serviceUrl": "https://elsewhere.example/"}
    assert (await teams.post(elsewhere, token=token))[0] == 401
