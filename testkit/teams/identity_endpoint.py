"""A stand-in on 127.0.0.1 for an Azure host's managed identity endpoint.

Speaks both protocols a user-assigned managed identity is reached by: App Service's
(`IDENTITY_ENDPOINT` + `X-IDENTITY-HEADER`, api-version 2019-08-01, `expires_on` only) and
IMDS's (`/metadata/identity/oauth2/token` with `Metadata: true`, api-version 2018-02-01,
`expires_in`). The tokens it gives are signed by the local JWKS issuer, so the fake Bot
Connector accepts them as it accepts a client-credentials token.
"""

from __future__ import annotations

import time

from aiohttp import web

from testkit.loopback import serve
from testkit.teams.jwks_issuer import JwksIssuer

IDENTITY_HEADER = "loopback-identity-header-secret"


class IdentityEndpoint:
    def __init__(self, issuer: JwksIssuer, client_id: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.base_url = ""
        self.requests: list[dict[str, str]] = []  # the query of each token request
        self.issued: list[str] = []
        self._runner: web.AppRunner | None = None

    @property
    def app_service_env(self) -> dict[str, str]:
        return {"IDENTITY_ENDPOINT": f"{self.base_url}/msi/token",
                "IDENTITY_HEADER": IDENTITY_HEADER}

    @property
    def imds_env(self) -> dict[str, str]:
        return {"AZURE_POD_IDENTITY_AUTHORITY_HOST": self.base_url}

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/msi/token", self._app_service)
        app.router.add_get("/metadata/identity/oauth2/token", self._imds)
        self._runner, self.base_url = await serve(app)
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _token(self, request: web.Request, version: str) -> tuple[str, str] | web.Response:
        query = dict(request.query)
        self.requests.append(query)
        if query.get("api-version") != version:
            return web.json_response({"error": "invalid_request"}, status=400)
        if query.get("client_id") != self.client_id:
            return web.json_response({"error": "invalid_request", "error_description":
                                      "Identity not found"}, status=400)
        token = self.issuer.sign({"aud": query.get("resource", ""), "appid": self.client_id,
                                  "ver": "1.0"})
        self.issued.append(token)
        return token, query.get("resource", "")

    async def _app_service(self, request: web.Request) -> web.Response:
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return web.json_response({"error": "unauthorized"}, status=401)
        made = self._token(request, "2019-08-01")
        if isinstance(made, web.Response):
            return made
        token, resource = made
        return web.json_response({"access_token": token, "token_type": "Bearer",
                                  "expires_on": str(int(time.time()) + 3600),
                                  "resource": resource, "client_id": self.client_id})

    async def _imds(self, request: web.Request) -> web.Response:
        if request.headers.get("Metadata") != "true":
            return web.json_response({"error": "invalid_request"}, status=400)
        made = self._token(request, "2018-02-01")
        if isinstance(made, web.Response):
            return made
        token, resource = made
        return web.json_response({"access_token": token, "token_type": "Bearer",
                                  "expires_in": "3599",
                                  "expires_on": str(int(time.time()) + 3599),
                                  "resource": resource, "client_id": self.client_id})
