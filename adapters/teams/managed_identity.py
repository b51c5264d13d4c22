"""The bot's outgoing token from a user-assigned managed identity (no client secret).

The Azure host's identity endpoint, in the two protocols Azure hosts speak:

- App Service, Functions, Container Apps: `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set
  by the platform; `GET {IDENTITY_ENDPOINT}?resource=...&api-version=2019-08-01&client_id=...`
  with the header `X-IDENTITY-HEADER`.
- A VM, a scale set, AKS (IMDS): `GET http://169.254.169.254/metadata/identity/oauth2/token
  ?resource=...&api-version=2018-02-01&client_id=...` with `Metadata: true`
  (`AZURE_POD_IDENTITY_AUTHORITY_HOST` moves the host, as msal honours it).

Fetched with aiohttp, cached until shortly before expiry, one fetch at a time (botbuilder's
own ManagedIdentityAppCredentials blocks the event loop: botbuilder_fixes.py, defect 9).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from aiohttp import ClientSession, ClientTimeout

from adapters.teams.auth import BOT_FRAMEWORK_SCOPE, BotCredentialsRefused, CachedToken

IMDS_HOST = "http://169.254.169.254"
IMDS_PATH = "/metadata/identity/oauth2/token"


class ManagedIdentityTokens(CachedToken):
    def __init__(self, client_id: str, session: ClientSession, env: Mapping[str, str],
                 resource: str = BOT_FRAMEWORK_SCOPE) -> None:
        super().__init__()
        self._client_id = client_id
        self._session = session
        self._resource = resource.rstrip("/")
        endpoint, secret = env.get("IDENTITY_ENDPOINT", ""), env.get("IDENTITY_HEADER", "")
        if endpoint and secret:
            self.url, self._headers = endpoint, {"X-IDENTITY-HEADER": secret}
            self._version = "2019-08-01"
        else:
            host = env.get("AZURE_POD_IDENTITY_AUTHORITY_HOST", "") or IMDS_HOST
            self.url, self._headers = host.rstrip("/") + IMDS_PATH, {"Metadata": "true"}
            self._version = "2018-02-01"

    async def _fetch(self) -> tuple[str, float]:
        query = {"resource": self._resource, "api-version": self._version,
                 "client_id": self._client_id}
        async with self._session.get(self.url, params=query, headers=self._headers,
                                     timeout=ClientTimeout(total=15)) as resp:
            body = await resp.json(content_type=None)
            if resp.status != 200 or not isinstance(body, dict) \
                    or "access_token" not in body:
                error = body.get("error") if isinstance(body, dict) else resp.status
                raise BotCredentialsRefused(
                    f"the managed identity endpoint {self.url} gave no token for client "
                    f"id {self._client_id}: {error}")
        return str(body["access_token"]), _lifetime(body)


def _lifetime(body: Mapping[str, object]) -> float:
    """Seconds the token lives: IMDS says expires_in; App Service only expires_on (epoch)."""
    try:
        if body.get("expires_in") is not None:
            return float(str(body["expires_in"]))
        return float(str(body["expires_on"])) - time.time()
    except (KeyError, ValueError):
        return 300.0  # unreadable: fetch again soon rather than keep it too long
