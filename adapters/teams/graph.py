"""Microsoft Graph, for a dedicated channel per swarm (`[teams.graph]`): a small interface.

`GraphClient` is the Protocol the port uses; `HttpGraphClient` implements it with aiohttp
against `graph_url`, with an app-only token from msal (client credentials, run in a
thread because msal is synchronous; msal caches the token itself). Tests hand it a fake
token source and a loopback Graph. Not msgraph-sdk: five calls do not need it.
`find_user` (a ticket's assignee by email) needs the User.Read.All application permission.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from aiohttp import ClientError, ClientSession, ClientTimeout

from bot.config import TeamsGraphConfig
from bot.errors import PortError
from bot.metrics import PLATFORM_ERRORS

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@dataclass(frozen=True)
class Channel:
    id: str
    name: str


@dataclass(frozen=True)
class GraphUser:
    id: str  # the Entra ID (AAD) object id: a Teams roster entry's aadObjectId
    mail: str
    user_principal_name: str


class GraphClient(Protocol):
    async def create_channel(self, team_id: str, name: str, description: str) -> Channel: ...

    async def find_channel(self, team_id: str, name: str) -> Channel | None: ...

    async def archive_channel(self, team_id: str, channel_id: str) -> None: ...

    async def set_description(self, team_id: str, channel_id: str, text: str) -> None: ...

    async def find_user(self, email: str) -> GraphUser | None: ...

    async def presence(self, object_id: str) -> dict[str, str]: ...
    async def link_tab(self, team_id: str, channel_id: str, title: str, url: str) -> None: ...

    async def channel_messages(self, team_id: str, channel_id: str,
                               parent_id: str | None = None) -> list[dict[str, Any]]: ...


class TokenSource(Protocol):
    async def token(self) -> str: ...


class MsalTokens:
    """App-only Graph token (Channel.Create, ChannelSettings.ReadWrite.All) via msal.

    msal is synchronous and its ConfidentialClientApplication fetches the authority's
    OpenID configuration when built, so it is built on first use and every msal call runs
    in a thread: start-up never blocks the event loop on login.microsoftonline.com.
    `http_client` is msal's own hook (anything with requests' get/post); msal accepts only
    https authorities, so tests pass one that carries its https requests to a loopback
    Entra issuer (tests/teams/test_graph_tokens.py) and the real msal code path runs.
    """

    def __init__(self, config: TeamsGraphConfig, secret: str,
                 http_client: Any | None = None) -> None:
        self._config = config
        self._secret = secret
        self._http_client = http_client
        self._app: Any = None

    def _acquire(self) -> dict[str, Any]:
        if self._app is None:
            import msal  # only Graph mode needs it

            self._app = msal.ConfidentialClientApplication(
                self._config.client_id, client_credential=self._secret,
                authority=f"{self._config.authority_url.rstrip('/')}/{self._config.tenant_id}",
                http_client=self._http_client)
        # msal answers from its token cache until the token is close to expiry.
        return self._app.acquire_token_for_client([GRAPH_SCOPE])

    async def token(self) -> str:
        try:
            result = await asyncio.to_thread(self._acquire)
        except (ValueError, OSError) as err:  # discovery refused, or login not reachable
            raise PortError("get a Graph token", str(err)) from err
        if "access_token" not in result:
            raise PortError("get a Graph token", f"{result.get('error')}: "
                            f"{result.get('error_description')}")
        return str(result["access_token"])


# Teams' built-in Website tab app.
WEB_TAB_APP = "com.microsoft.teamspace.tab.web"


class HttpGraphClient:
    def __init__(self, graph_url: str, tokens: TokenSource, session: ClientSession) -> None:
        self._base = graph_url.rstrip("/")
        self._tokens = tokens
        self._session = session

    async def _request(self, action: str, method: str, path: str,
                       body: dict[str, Any] | None = None,
                       missing_ok: bool = False) -> dict[str, Any]:
        try:
            return await self._attempts(action, method, path, body, missing_ok)
        except PortError:
            # `action` is one of four fixed phrases ("archive the swarm channel"...).
            PLATFORM_ERRORS.labels("graph", action).inc()
            raise

    async def _attempts(self, action: str, method: str, path: str,
                        body: dict[str, Any] | None = None,
                        missing_ok: bool = False) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {await self._tokens.token()}"}
        for attempt in range(3):
            try:
                async with self._session.request(method, self._base + path, json=body,
                                                 headers=headers,
                                                 timeout=ClientTimeout(total=30)) as resp:
                    if resp.status == 429 and attempt < 2:
                        # Graph throttles channel creation; Retry-After says how long.
                        await asyncio.sleep(float(resp.headers.get("Retry-After", "1")))
                        continue
                    data = await resp.json(content_type=None) if resp.content_length != 0 \
                        else {}
                    if resp.status == 404 and missing_ok:
                        return {}  # no such user: an answer, not a failure
                    if resp.status >= 400:
                        error = (data or {}).get("error") or {}
                        raise PortError(action, f"Graph answered {resp.status}: "
                                        f"{error.get('code')}: {error.get('message')}")
                    return data or {}
            except ClientError as err:
                raise PortError(action, f"Graph could not be reached: {err}") from err
        raise PortError(action, "Graph kept throttling (429)")

    async def create_channel(self, team_id: str, name: str, description: str) -> Channel:
        data = await self._request("create the swarm channel", "POST",
                                   f"/teams/{quote(team_id)}/channels",
                                   {"displayName": name[:50], "description": description[:1024],
                                    "membershipType": "standard"})
        return Channel(data["id"], data.get("displayName", name))

    async def find_channel(self, team_id: str, name: str) -> Channel | None:
        flt = quote(f"displayName eq '{name[:50].replace(chr(39), chr(39) * 2)}'")
        data = await self._request("look up the swarm channel", "GET",
                                   f"/teams/{quote(team_id)}/channels?$filter={flt}")
        found = data.get("value") or []
        return Channel(found[0]["id"], found[0]["displayName"]) if found else None

    async def archive_channel(self, team_id: str, channel_id: str) -> None:
        await self._request("archive the swarm channel", "POST",
                            f"/teams/{quote(team_id)}/channels/{quote(channel_id)}/archive", {})

    async def set_description(self, team_id: str, channel_id: str, text: str) -> None:
        await self._request("update the channel description", "PATCH",
                            f"/teams/{quote(team_id)}/channels/{quote(channel_id)}",
                            {"description": text[:1024]})

    async def find_user(self, email: str) -> GraphUser | None:
        """A person by email (their user principal name), or None: GET /users/{email}."""
        data = await self._request("look up the person", "GET",
                                   f"/users/{quote(email)}?$select=id,mail,userPrincipalName",
                                   missing_ok=True)
        if not data.get("id"):
            return None
        return GraphUser(str(data["id"]), data.get("mail") or "",
                         data.get("userPrincipalName") or "")

    async def presence(self, object_id: str) -> dict[str, str]:
        """GET /users/{id}/presence (Presence.Read.All): availability and activity, or {}
        for nobody by that id."""
        data = await self._request("read the presence", "GET",
                                   f"/users/{quote(object_id)}/presence", missing_ok=True)
        return {k: str(data[k]) for k in ("availability", "activity") if data.get(k)}
    async def channel_messages(self, team_id: str, channel_id: str,
                               parent_id: str | None = None) -> list[dict[str, Any]]:
        """The latest chatMessages of a channel (its top-level posts), or the replies to
        the post `parent_id` (a thread): ChannelMessage.Read.All. One page (50) is enough
        to find a post made a few tries ago."""
        path = f"/teams/{quote(team_id)}/channels/{quote(channel_id)}/messages"
        if parent_id is not None:
            path += f"/{quote(parent_id)}/replies"
        data = await self._request("read the channel's messages", "GET", f"{path}?$top=50")
        return list(data.get("value") or [])

    async def link_tab(self, team_id: str, channel_id: str, title: str, url: str) -> None:
        """A website tab named `title` on the channel (`set link`, issue 25): the one of
        that name is pointed at `url` if there is one (a retry, a second `set link`)."""
        tabs = f"/teams/{quote(team_id)}/channels/{quote(channel_id)}/tabs"
        config = {"contentUrl": url, "websiteUrl": url, "entityId": None, "removeUrl": None}
        data = await self._request("read the channel's tabs", "GET", tabs)
        for tab in data.get("value") or []:
            if tab.get("displayName") == title:
                if (tab.get("configuration") or {}).get("websiteUrl") != url:
                    await self._request("change the link tab", "PATCH",
                                        f"{tabs}/{quote(str(tab['id']))}",
                                        {"configuration": config})
                return
        await self._request("add the link tab", "POST", tabs, {
            "displayName": title[:50], "configuration": config,
            "teamsApp@odata.bind": f"{self._base}/appCatalogs/teamsApps/{WEB_TAB_APP}"})
