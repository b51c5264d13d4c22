"""The Add to Slack dance on loopback: the real serve app with `[slack.oauth]`, a browser
that keeps the state cookie, and the fake Slack's authorize page and oauth.v2.access."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from adapters.serve import build_server
from bot.config import Config
from testkit.slack.fake_slack import CLIENT_ID, CLIENT_SECRET, FakeSlack, Workspace
from tests.slack.conftest import SECRETS
from tests.slack.harness import SlackHarness

STATE_COOKIE = "slack-app-oauth-state"
# A fixed Fernet key for tests (44 characters of URL-safe base64).
TOKEN_KEY = "Wq0ZvD1hVd0s3V8oI7p3kq3pX2sC3GzqQm8bRk2Jc5k="
OAUTH_ENV = {"SLACK_CLIENT_SECRET": CLIENT_SECRET, "SWARMBOT_TOKEN_KEY": TOKEN_KEY}
__all__ = ["CLIENT_ID", "OAUTH_ENV", "Browser", "db_bytes", "oauth_bot"]


class Browser:
    """What a person's browser does between swarmbot's pages and Slack's authorize page."""

    def __init__(self, bot: SlackHarness) -> None:
        self.bot = bot
        self.cookie = ""

    async def add_to_slack(self) -> dict[str, str]:
        """Open /slack/install; the Add to Slack link's query (state, scope, client_id...)."""
        resp = await self.bot.client.get("/slack/install")
        assert resp.status == 200, await resp.text()
        page = await resp.text()
        link = unescape(re.search(r'href="(https://slack\.com/oauth/v2/authorize[^"]+)"',
                                  page).group(1))  # type: ignore[union-attr]
        query = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
        cookie = resp.headers.get("Set-Cookie", "")
        assert cookie.startswith(f"{STATE_COOKIE}={query['state']};"), cookie
        self.cookie = f"{STATE_COOKIE}={query['state']}"
        return query

    async def back_from_slack(self, query: str, cookie: str | None = None) -> tuple[int, str]:
        """Slack sends the browser to the redirect URL with `query`."""
        headers = {"Cookie": self.cookie if cookie is None else cookie}
        resp = await self.bot.client.get(f"/slack/oauth_redirect?{query}", headers=headers)
        return resp.status, await resp.text()

    async def install(self, fake: FakeSlack, workspace: Workspace) -> tuple[int, str]:
        state = (await self.add_to_slack())["state"]
        return await self.back_from_slack(f"code={fake.authorize(workspace)}&state={state}")


def db_bytes(db_path: str) -> bytes:
    """The SQLite database as it is on disk: the file and its WAL and journal, if any."""
    path = Path(db_path)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def event(kind: str, team: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, **fields, "team": team}


async def oauth_bot(aiohttp_client: Any, fake_slack: FakeSlack, config: Config,
                    request: pytest.FixtureRequest, *installs: Workspace,
                    env: dict[str, str] | None = None) -> SlackHarness:
    """The serve app with `[slack.oauth]` on (on PostgreSQL under `--store=postgres`), the
    triage channel, and each of `installs` installed by the Add to Slack dance. `env`:
    more of the environment (SWARMBOT_LINK_SECRET, say)."""
    if request.config.getoption("--store") == "postgres":  # the same, on PostgreSQL
        config.store.url = request.getfixturevalue("pg_url")
    config.server.public_url = "https://swarm.example.com"
    config.slack.oauth.enabled = True
    config.slack.oauth.client_id = CLIENT_ID
    fake_slack.add_channel("swarm-triage")
    app = await build_server(config, {**SECRETS, **OAUTH_ENV, **(env or {})})
    harness = SlackHarness(await aiohttp_client(app), fake_slack)
    for workspace in installs:
        status, page = await Browser(harness).install(fake_slack, workspace)
        assert status == 200, page
    return harness
