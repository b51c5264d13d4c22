"""Issue 27: install by OAuth v2 (Bolt's flow over our stores), against the fake Slack's
authorize codes and oauth.v2.access on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.async_context import AsyncBoltContext

from adapters.bootstrap import checked_config
from adapters.serve import build_server
from adapters.slack.installations import StoreInstallations
from bot.config import Config
from bot.errors import ConfigError
from testkit.slack.fake_slack import FakeSlack, Workspace
from testkit.slack.signing import payload
from tests.slack.conftest import SECRETS
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import CLIENT_ID, OAUTH_ENV, Browser, db_bytes

BETA = Workspace("T0002", "Beta")
GAMMA = Workspace("T0003", "Gamma")


@pytest.fixture
def oauth_config(slack_config: Config) -> Config:
    slack_config.server.public_url = "https://swarm.example.com"
    slack_config.slack.oauth.enabled = True
    slack_config.slack.oauth.client_id = CLIENT_ID
    return slack_config


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, oauth_config: Config
              ) -> SlackHarness:
    fake_slack.add_channel("swarm-triage")
    app = await build_server(oauth_config, {**SECRETS, **OAUTH_ENV})
    return SlackHarness(await aiohttp_client(app), fake_slack)


def installations(bot: SlackHarness) -> StoreInstallations:
    flow = bot.runtime.bolt.oauth_flow  # type: ignore[union-attr]
    assert flow is not None
    store = flow.settings.installation_store
    assert isinstance(store, StoreInstallations)
    return store


async def bot_token(bot: SlackHarness, team: str) -> str | None:
    found = await installations(bot).async_find_bot(enterprise_id=None, team_id=team)
    return found.bot_token if found else None


async def test_two_workspaces_install_and_their_tokens_are_sealed(
        bot: SlackHarness, fake_slack: FakeSlack, oauth_config: Config) -> None:
    browser = Browser(bot)
    link = await browser.add_to_slack()
    assert link["client_id"] == CLIENT_ID
    assert "commands" in link["scope"].split(",")
    assert link["redirect_uri"] == "https://swarm.example.com/slack/oauth_redirect"
    for workspace in (BETA, GAMMA):
        status, page = await browser.install(fake_slack, workspace)
        assert status == 200, page
        assert f"swarmbot is installed in {workspace.name}" in page
    tokens = [answer["access_token"] for answer in fake_slack.installed]
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    # Each workspace's own token, read back (unsealed) through the installation store...
    assert await bot_token(bot, "T0002") == tokens[0]
    assert await bot_token(bot, "T0003") == tokens[1]
    # ... and Bolt's own authorize, which checks it with auth.test, that token in hand.
    client = bot.runtime.bolt.client  # type: ignore[union-attr]
    authorize = AsyncInstallationStoreAuthorize(
        installation_store=installations(bot), logger=installations(bot).logger,
        bot_only=True, client=client)
    found = await authorize(context=AsyncBoltContext({"client": client}), enterprise_id=None,
                            team_id="T0003", user_id="U1")
    assert found is not None and found.bot_token == tokens[1] and found.team_id == "T0003"
    assert fake_slack.calls_to("auth.test")[-1].token == tokens[1]
    # No token text anywhere in the database file (nor its WAL).
    on_disk = db_bytes(oauth_config.store.path)
    assert b"app_installations" in on_disk  # the right file
    for token in tokens:
        assert token.encode() not in on_disk
        assert token.split("-")[-1].encode() not in on_disk


async def test_a_forged_state_is_refused_and_nothing_is_stored(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    browser = Browser(bot)
    await browser.add_to_slack()
    code = fake_slack.authorize(BETA)
    forged = "forged-state-never-issued"
    status, page = await browser.back_from_slack(f"code={code}&state={forged}",
                                                 cookie=f"slack-app-oauth-state={forged}")
    assert status == 401
    assert "expired or was already used" in page and "Nothing was installed" in page
    assert 'href="/slack/install"' in page
    # A state this browser did not start (no cookie, or another one): refused the same way.
    state = (await browser.add_to_slack())["state"]
    status, page = await browser.back_from_slack(f"code={code}&state={state}", cookie="")
    assert status == 400 and "state cookie" in page
    assert fake_slack.calls_to("oauth.v2.access") == []  # Slack was never asked
    assert await bot_token(bot, "T0002") is None


async def test_a_replayed_state_is_refused(bot: SlackHarness, fake_slack: FakeSlack) -> None:
    browser = Browser(bot)
    state = (await browser.add_to_slack())["state"]
    status, _ = await browser.back_from_slack(f"code={fake_slack.authorize(BETA)}&state={state}")
    assert status == 200
    first = await bot_token(bot, "T0002")
    # The same redirect again (a replay from history, or a stolen link), even with a new code.
    status, page = await browser.back_from_slack(
        f"code={fake_slack.authorize(BETA)}&state={state}")
    assert status == 401 and "already used" in page
    assert len(fake_slack.calls_to("oauth.v2.access")) == 1
    assert await bot_token(bot, "T0002") == first


async def test_a_cancelled_or_refused_install_says_so(bot: SlackHarness,
                                                      fake_slack: FakeSlack) -> None:
    browser = Browser(bot)
    state = (await browser.add_to_slack())["state"]
    status, page = await browser.back_from_slack(f"error=access_denied&state={state}")
    assert status == 200 and "cancelled in Slack" in page and "Nothing was installed" in page
    state = (await browser.add_to_slack())["state"]
    status, page = await browser.back_from_slack(f"code=not-a-code&state={state}")
    assert status == 401 and "refused the authorisation code" in page
    assert await bot_token(bot, "T0002") is None


def signed_event(kind: str, team: str, **fields: Any) -> dict[str, Any]:
    data = payload("event_callback.json")
    data["team_id"] = team
    data["authorizations"] = [{"enterprise_id": None, "team_id": team, "user_id": "UBOT",
                               "is_bot": True, "is_enterprise_install": False}]
    data["event"] = {"type": kind, **fields}
    return data


async def test_uninstall_and_revoked_tokens_drop_tokens_and_keep_cases(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    browser = Browser(bot)
    home = Workspace("T0001", "Fake")  # the served workspace, installed by OAuth too
    for workspace in (home, BETA):
        assert (await browser.install(fake_slack, workspace))[0] == 200
    await bot.command('open ZD-7 sev2 customer="Acme" cannot log in', "UANN")
    case = bot.store.cases.by_ref("ZD-7")
    assert case is not None
    resp = await bot.post(json.dumps(signed_event("app_uninstalled", "T0001")),
                          "application/json")
    assert resp.status == 200
    assert await bot_token(bot, "T0001") is None
    assert await installations(bot).async_find_installation(
        enterprise_id=None, team_id="T0001") is None
    assert await bot_token(bot, "T0002") is not None  # another workspace's stays
    assert bot.store.cases.by_ref("ZD-7") is not None  # the case is kept
    # tokens_revoked for the bot: its token goes, the workspace's installer row too when
    # listed among the user (oauth) tokens.
    revoked = signed_event("tokens_revoked", "T0002",
                           tokens={"oauth": ["UT0002ADMIN"], "bot": ["UBOT"]})
    assert (await bot.post(json.dumps(revoked), "application/json")).status == 200
    assert await bot_token(bot, "T0002") is None
    assert await installations(bot).async_find_installation(
        enterprise_id=None, team_id="T0002", user_id="UT0002ADMIN") is None


def test_oauth_without_its_secrets_stops_start_up_in_one_line(tmp_path: Any) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[server]\npublic_url = "https://swarm.example.com"\n'
                   f'[store]\npath = "{tmp_path}/s.db"\n[slack]\n[slack.oauth]\n'
                   f'client_id = "{CLIENT_ID}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        checked_config(str(cfg), "serve", env=SECRETS)
    assert err.value.problems == ["environment variables SLACK_CLIENT_SECRET, "
                                  "SWARMBOT_TOKEN_KEY not set (needed by [slack.oauth])"]
    with pytest.raises(ConfigError) as err:
        checked_config(str(cfg), "serve", env={**SECRETS, **OAUTH_ENV,
                                                "SWARMBOT_TOKEN_KEY": "not-a-key"})
    [line] = err.value.problems
    assert line.startswith("environment variable SWARMBOT_TOKEN_KEY must be Fernet keys")
    assert "Fernet.generate_key()" in line


async def test_an_expired_state_is_refused(tmp_path: Any, fake_slack: FakeSlack,
                                           oauth_config: Config, api_url: str) -> None:
    """Bolt's flow over our stores, on a clock of the test's: a link left open for longer
    than state_expiration_seconds is refused, and Slack is never asked."""
    from datetime import UTC, datetime, timedelta

    from slack_bolt.request.async_request import AsyncBoltRequest

    from adapters.bootstrap import build_core
    from adapters.slack.client import make_client
    from adapters.slack.oauth import build_flow, oauth_secrets
    from bot.store import open_store
    from handlers.installations import InstallationBook

    now = [datetime(2026, 12, 6, 9, 0, tzinfo=UTC)]
    core = build_core(oauth_config, {}, clock=lambda: now[0],
                      store=open_store(tmp_path / "flow.db"))
    store = core.deps.store
    secrets = oauth_secrets(oauth_config, {**SECRETS, **OAUTH_ENV})
    assert secrets is not None
    try:
        flow = build_flow(oauth_config, secrets, InstallationBook(core, "slack"),
                          make_client("", api_url, None))
        issued = await flow.handle_installation(AsyncBoltRequest(body="", query=""))
        state = issued.headers["set-cookie"][0].split(";")[0].split("=", 1)[1]

        async def back(code: str) -> Any:
            return await flow.handle_callback(AsyncBoltRequest(
                body="", query=f"code={code}&state={state}",
                headers={"cookie": f"slack-app-oauth-state={state}"}))
        now[0] += timedelta(seconds=oauth_config.slack.oauth.state_expiration_seconds + 1)
        late = await back(fake_slack.authorize(BETA))
        assert late.status == 401 and "expired" in late.body
        assert fake_slack.calls_to("oauth.v2.access") == []
        assert store.installations.find_bot("slack", "", "T0002") is None
    finally:
        core.close()


async def test_the_served_workspace_needs_no_oauth_install_for_what_bolt_answers(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    """The Home tab goes through Bolt, whose authorize reads the installation store: the
    served workspace (SLACK_BOT_TOKEN's) is authorized with that token when it has not
    also been installed by OAuth."""
    resp = await bot.event({"type": "app_home_opened", "user": "UANN", "tab": "home"})
    assert resp.status == 200
    assert [v["user_id"] for v in fake_slack.views if v["method"] == "views.publish"] == \
        ["UANN"]
    # Another workspace that never installed the app gets nothing from it.
    other = signed_event("app_home_opened", "T0009", user="UEVE", tab="home")
    assert (await bot.post(json.dumps(other), "application/json")).status == 200
    await bot.drain()
    assert len([v for v in fake_slack.views if v["method"] == "views.publish"]) == 1


async def test_an_org_wide_install_serves_bolts_authorize_for_any_workspace_of_the_org(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    org = Workspace("", "Acme Grid", enterprise_id="E0001", enterprise_name="Acme Grid",
                    org_wide=True)
    status, page = await Browser(bot).install(fake_slack, org)
    assert status == 200 and "installed in Acme Grid" in page
    token = fake_slack.installed[0]["access_token"]
    store = installations(bot)
    for team in ("T0101", "T0202"):  # any workspace of the org, by the org's installation
        found = await store.async_find_bot(enterprise_id="E0001", team_id=team,
                                           is_enterprise_install=True)
        assert found is not None and found.bot_token == token and found.is_enterprise_install
    # Not another org's, and not a workspace's own (per-workspace) installation.
    assert await store.async_find_bot(enterprise_id="E0002", team_id=None,
                                      is_enterprise_install=True) is None
    assert await store.async_find_bot(enterprise_id="E0001", team_id="T0101") is None


async def test_one_state_sent_back_twice_at_once_installs_once(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    import asyncio

    browser = Browser(bot)
    state = (await browser.add_to_slack())["state"]
    answers = await asyncio.gather(*(
        browser.back_from_slack(f"code={fake_slack.authorize(BETA)}&state={state}")
        for _ in range(2)))
    assert sorted(status for status, _ in answers) == [200, 401]
    assert len(fake_slack.calls_to("oauth.v2.access")) == 1
