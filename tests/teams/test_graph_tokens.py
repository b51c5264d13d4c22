"""Graph's app-only token through the real msal, against a loopback Entra ID issuer.

msal accepts only https authorities and cannot be pointed at http://127.0.0.1, but it
takes an `http_client` (its documented hook). `ToLoopback` is a requests.Session that
carries msal's https requests for login.microsoftonline.com to the loopback issuer, so
msal's own code runs: OpenID discovery of the tenant, the client-credentials POST, its
token cache. What stays untested here is TLS to the real login host.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import requests
from aiohttp import ClientSession, web

from adapters.teams.graph import GRAPH_SCOPE, HttpGraphClient, MsalTokens
from bot.config import TeamsGraphConfig
from bot.errors import PortError
from testkit.teams.fake_graph import FakeGraph
from tests.teams.conftest import serve
from tests.teams.test_graph import TEAM

LOGIN = "https://login.microsoftonline.com"
TENANT = "72f988bf-0000-4000-8000-0000000000aa"
CLIENT_ID, SECRET = "11111111-0000-0000-0000-0000000000c1", "graph-client-secret"


class LoopbackEntra:
    """The tenant's OpenID configuration and its token endpoint (client credentials)."""

    def __init__(self) -> None:
        self.token_requests: list[dict[str, str]] = []
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._config)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/common/discovery/instance", self._instance)
        return app

    async def _instance(self, request: web.Request) -> web.Response:
        # Which host names are one authority (msal reads it to look in its token cache).
        hosts = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com"]
        return web.json_response({
            "tenant_discovery_endpoint": f"{LOGIN}/{TENANT}/v2.0/.well-known/"
                                         "openid-configuration", "api-version": "1.1",
            "metadata": [{"preferred_network": hosts[0], "preferred_cache": hosts[1],
                          "aliases": hosts}]})

    async def _config(self, request: web.Request) -> web.Response:
        base = f"{LOGIN}/{request.match_info['tenant']}"
        return web.json_response({
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "issuer": f"{base}/v2.0"})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.token_requests.append({k: str(v) for k, v in form.items()})
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != SECRET:
            return web.json_response({"error": "invalid_client", "error_description":
                                      "AADSTS7000215: Invalid client secret provided."},
                                     status=401)
        assert form.get("grant_type") == "client_credentials"
        return web.json_response({"token_type": "Bearer", "expires_in": 3599,
                                  "access_token": f"graph-token-{next(self._ids)}"})


class ToLoopback(requests.Session):
    """msal's http_client: its https requests to the login host go to the loopback issuer."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.seen: list[str] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        self.seen.append(url)
        if url.startswith(LOGIN + "/"):
            url = self.base_url + url[len(LOGIN):]
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
async def entra() -> AsyncIterator[tuple[LoopbackEntra, str]]:
    issuer = LoopbackEntra()
    runner, url = await serve(issuer.app())
    yield issuer, url
    await runner.cleanup()


def graph_config() -> TeamsGraphConfig:
    return TeamsGraphConfig(enabled=True, tenant_id=TENANT, client_id=CLIENT_ID)


async def test_msal_gets_and_caches_the_graph_token_which_graph_calls_carry(entra) -> None:
    issuer, url = entra
    http = ToLoopback(url)
    tokens = MsalTokens(graph_config(), SECRET, http_client=http)
    assert http.seen == []  # nothing fetched at start-up (msal is built on first use)
    graph = FakeGraph()
    runner, graph_url = await serve(graph.app())
    try:
        async with ClientSession() as session:
            client = HttpGraphClient(f"{graph_url}/v1.0", tokens, session)
            await client.create_channel(TEAM, "swarm-zd-1", "topic")
            await client.set_description(TEAM, "19:1@thread.tacv2", "owner changed")
    finally:
        await runner.cleanup()
    assert [c[3] for c in graph.calls] == ["Bearer graph-token-1"] * 2  # cached by msal
    assert len(issuer.token_requests) == 1
    sent = issuer.token_requests[0]
    assert sent["scope"] == GRAPH_SCOPE and sent["client_id"] == CLIENT_ID
    assert all(u.startswith(f"{LOGIN}/{TENANT}/") for u in http.seen)  # msal spoke https


async def test_a_refused_secret_is_a_port_error_saying_why(entra) -> None:
    _, url = entra
    tokens = MsalTokens(graph_config(), "wrong-secret", http_client=ToLoopback(url))
    with pytest.raises(PortError, match="invalid_client: AADSTS7000215") as err:
        await tokens.token()
    assert err.value.action == "get a Graph token"


async def test_an_unreachable_login_host_is_a_port_error(entra) -> None:
    _, url = entra
    closed = url.rsplit(":", 1)[0] + ":9"  # the discard port: nothing listens
    tokens = MsalTokens(graph_config(), SECRET, http_client=ToLoopback(closed))
    with pytest.raises(PortError) as err:
        await tokens.token()
    assert err.value.action == "get a Graph token"
