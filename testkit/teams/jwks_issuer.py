"""A local OpenID issuer on 127.0.0.1: what login.botframework.com is to a Teams bot.

Serves the OpenID metadata document and the JWKS (an RSA key made with `cryptography`,
endorsed for `msteams`), signs channel tokens with pyjwt the way the Bot Framework does
(iss, aud = the bot's app id, serviceurl, exp), and acts as the token endpoint the bot
gets its own outgoing token from (client credentials).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from testkit.loopback import free_port, serve

ISSUER = "https://api.botframework.com"
# What `JwksIssuer.fault` can make of the signing keys (None: they are served):
KEY_FAULTS = ("metadata_500",  # the OpenID metadata document answers 500
              "keys_500",  # the JWKS answers 500
              "keys_unreachable",  # the metadata points the JWKS at a port nobody listens on
              "keys_not_json")  # the JWKS answers 200 with an HTML error page
# The bot's identity on loopback: the app the issuer signs channel tokens for, and the
# client credentials it accepts for the bot's own outgoing token.
APP_ID = "00000000-0000-0000-0000-0000000000b0"
PASSWORD = "loopback-test-password"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class JwksIssuer:
    def __init__(self, app_id: str = "", password: str = "") -> None:
        self.app_id = app_id
        self.password = password
        self.key = new_key()
        self.kid = uuid.uuid4().hex
        self.base_url = ""
        self.issued_bot_tokens: list[str] = []
        self.metadata_fetches = 0
        self.fault: str | None = None  # one of KEY_FAULTS, for as long as it is set
        self._runner: web.AppRunner | None = None

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        return app

    async def start(self) -> str:
        self._runner, self.base_url = await serve(self.app())
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _metadata(self, _: web.Request) -> web.Response:
        self.metadata_fetches += 1
        if self.fault == "metadata_500":
            return web.json_response({"error": "server_error"}, status=500)
        keys_at = self.base_url
        if self.fault == "keys_unreachable":
            keys_at = f"http://127.0.0.1:{free_port()}"
        return web.json_response({
            "issuer": ISSUER,
            "authorization_endpoint": f"{self.base_url}/invalid",
            "jwks_uri": f"{keys_at}/v1/.well-known/keys",
            "token_endpoint": f"{self.base_url}/botframework.com/oauth2/v2.0/token",
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    async def _keys(self, _: web.Request) -> web.Response:
        if self.fault == "keys_500":
            return web.json_response({"error": "server_error"}, status=500)
        if self.fault == "keys_not_json":
            return web.Response(text="<html>Service Unavailable</html>", status=200,
                                content_type="text/html")
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        jwk.update(kid=self.kid, use="sig", endorsements=["msteams", "emulator"])
        return web.json_response({"keys": [jwk]})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials" or \
                (form.get("client_id"), form.get("client_secret")) != (self.app_id, self.password):
            return web.json_response({"error": "invalid_client",
                                      "error_description": "bad client credentials"}, status=401)
        token = self.sign({"aud": str(form.get("scope", "")).removesuffix("/.default"),
                           "appid": self.app_id, "ver": "1.0"})
        self.issued_bot_tokens.append(token)
        return web.json_response({"token_type": "Bearer", "expires_in": 3600,
                                  "access_token": token})

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None,
             kid: str | None = None) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "nbf": now - 10, "iat": now - 10, "exp": now + 3600, **claims}
        return jwt.encode(body, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    def channel_token(self, service_url: str, *, audience: str | None = None,
                      expires_in: int = 3600, key: rsa.RSAPrivateKey | None = None,
                      kid: str | None = None, issuer: str = ISSUER) -> str:
        """A token as the Bot Framework channel sends it to the bot's endpoint."""
        now = int(time.time())
        return self.sign({"aud": self.app_id if audience is None else audience,
                          "serviceurl": service_url, "iss": issuer, "exp": now + expires_in,
                          "nbf": min(now - 10, now + expires_in - 20)}, key=key, kid=kid)

    def check_bot_token(self, token: str) -> bool:
        """What the Bot Connector does with the bot's outgoing token."""
        try:
            jwt.decode(token, self.key.public_key(), algorithms=["RS256"],
                       audience="https://api.botframework.com", issuer=ISSUER)
        except jwt.InvalidTokenError:
            return False
        return True
