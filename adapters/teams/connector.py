"""The few Bot Connector REST calls swarmbot makes, as JSON over one aiohttp session.

Why not botbuilder's ConnectorClient for these: profiling a swarmbot turn showed the
outgoing reply costing more than everything else together: msrest walks and validates
the whole Adaptive Card (it is typed `object`) to serialise it, `TurnContext` deep-copies
the activity first, and the answer is deserialised back into models we never read:
~1.5 ms of CPU per message against ~0.3 ms for the command itself. Activities here are
the dicts the Bot Connector takes (v3 REST API); botbuilder still authenticates and routes
every turn (see endpoint.py / bot.py), so it stays replaceable behind this module.

Calls: POST v3/conversations (new thread or 1:1 chat), POST v3/conversations/{id}/activities
(a post), POST .../activities/{replyToId} (a reply), PUT .../activities/{id} (an update),
GET v3/conversations/{teamId}/members[/{userId}] (the team roster, with email and UPN: what
botbuilder's TeamsInfo.get_team_members / get_team_member read).
A refusal raises PortError naming what failed; 429 is retried after Retry-After (a 429
means the call did not happen, so retrying cannot duplicate it).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import ClientError, ClientSession, ClientTimeout

from adapters.teams.botbuilder_fixes import TokenSource
from bot.errors import PortError, retry_after
from bot.metrics import PLATFORM_ERRORS

Json = dict[str, Any]



def connector_operation(method: str, path: str) -> str:
    """The Bot Connector REST operation a request is (a metric label: no ids in it)."""
    if path == "/v3/conversations":
        return "createConversation"
    if method == "GET":
        return "getConversationMember" if path.count("/members/") else \
            "getConversationMembers"
    if method == "PUT":
        return "updateActivity"
    if method == "DELETE":
        return "deleteActivity"
    return "replyToActivity" if path.count("/activities/") else "sendToConversation"

class BotConnector:
    def __init__(self, session: ClientSession, tokens: TokenSource | None) -> None:
        self._session = session
        self._tokens = tokens

    async def _request(self, action: str, method: str, service_url: str, path: str,
                       body: Json | None, missing_ok: bool = False) -> Any:
        try:
            return await self._attempts(action, method, service_url, path, body, missing_ok)
        except PortError:
            PLATFORM_ERRORS.labels("teams", connector_operation(method, path)).inc()
            raise

    async def _attempts(self, action: str, method: str, service_url: str, path: str,
                        body: Json | None, missing_ok: bool = False) -> Any:
        headers = {"Authorization": f"Bearer {await self._tokens.token()}"} \
            if self._tokens is not None else {}
        url = service_url.rstrip("/") + path
        for attempt in range(3):
            try:
                async with self._session.request(method, url, json=body, headers=headers,
                                                 timeout=ClientTimeout(total=30)) as resp:
                    if resp.status == 429 and attempt < 2:
                        await asyncio.sleep(min(retry_after(resp.headers.get("Retry-After"))
                                                or 1.0, 30.0))
                        continue
                    data = await resp.json(content_type=None) if await resp.read() else {}
                    if resp.status == 404 and missing_ok:
                        return None  # "not a member": an answer, not a failure
                    if resp.status >= 400:
                        error = (data or {}).get("error") or {} if isinstance(data, dict) \
                            else {}
                        # 429 and 5xx may succeed later (the outbox retries them); any
                        # other status is a refusal that would be the same next time.
                        raise PortError(action, f"Teams answered {resp.status}: "
                                        f"{error.get('code')}: {error.get('message')}",
                                        transient=resp.status == 429 or resp.status >= 500,
                                        retry_after=retry_after(resp.headers.get("Retry-After")))
                    return data if isinstance(data, dict | list) else {}
            except (ClientError, TimeoutError, ValueError) as err:
                # ValueError: a body that is not JSON (a proxy's error page): as unreachable.
                raise PortError(action, f"Teams could not be reached: {err}",
                                transient=True) from err
        raise PortError(action, "Teams kept throttling (429)", transient=True)

    async def send(self, action: str, service_url: str, conversation_id: str, activity: Json,
                   reply_to: str | None = None) -> str:
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
        if reply_to:
            path += f"/{quote(reply_to, safe='')}"
        result = await self._request(action, "POST", service_url, path, activity)
        return str(result.get("id") or "")

    async def create_conversation(self, action: str, service_url: str, params: Json) -> Json:
        return await self._request(action, "POST", service_url, "/v3/conversations", params)

    async def update(self, action: str, service_url: str, conversation_id: str,
                     activity_id: str, activity: Json) -> None:
        path = (f"/v3/conversations/{quote(conversation_id, safe='')}/activities/"
                f"{quote(activity_id, safe='')}")
        await self._request(action, "PUT", service_url, path, activity)

    async def delete(self, action: str, service_url: str, conversation_id: str,
                     activity_id: str) -> None:
        path = (f"/v3/conversations/{quote(conversation_id, safe='')}/activities/"
                f"{quote(activity_id, safe='')}")
        await self._request(action, "DELETE", service_url, path, None, missing_ok=True)

    async def members(self, action: str, service_url: str, conversation_id: str
                      ) -> list[Json]:
        """A team's roster: [{"id": "29:…", "name", "aadObjectId", "email",
        "userPrincipalName"}, …] (GET v3/conversations/{teamId}/members)."""
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/members"
        found = await self._request(action, "GET", service_url, path, None)
        return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []

    async def member(self, action: str, service_url: str, conversation_id: str,
                     user_id: str) -> Json | None:
        """One member of a team (None: not a member)."""
        path = (f"/v3/conversations/{quote(conversation_id, safe='')}/members/"
                f"{quote(user_id, safe='')}")
        found = await self._request(action, "GET", service_url, path, None, missing_ok=True)
        return found if isinstance(found, dict) else None
