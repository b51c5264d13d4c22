"""Bot Framework auth: who we are (env), whose tokens we accept (OpenID metadata), our token.

Inbound: botbuilder's own validation, pointed through its supported parameterised settings
(`TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL`, `..._TOKEN_ISSUER`, `TO_CHANNEL_FROM_BOT_LOGIN_URL`)
at `[teams] openid_metadata_url` when set (a sovereign cloud, or a test's local issuer),
else at the public Bot Framework. With `MicrosoftAppId` unset, swarmbot runs in Emulator
mode: requests without a token are accepted, and start-up says so.

Outbound: the bot's own token (client credentials) for Bot Connector calls, fetched with
aiohttp and cached until shortly before it expires. Not msal here: msal is synchronous
(it would block the event loop) and insists on https authorities, so it could not talk to
a loopback issuer; the Graph client, which only ever talks to Entra ID, uses msal.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import ClientSession, ClientTimeout
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import CallerIdConstants
from botframework.connector.auth import AuthenticationConstants

from adapters.teams.botbuilder_fixes import (
    CachedConnectorFactory,
    FixedAuthentication,
    TokenSource,
)
from adapters.teams.registration import MSI, Registration, registration_of
from bot.config import TeamsConfig
from bot.errors import ConfigError

log = logging.getLogger("swarmbot.teams")

BOT_FRAMEWORK_SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
LOGIN_PREFIX = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX  # .../
DEFAULT_TENANT = AuthenticationConstants.DEFAULT_CHANNEL_AUTH_TENANT  # botframework.com


@dataclass(frozen=True)
class BotIdentity:
    """The Azure bot registration (registration.py): MicrosoftAppId, MicrosoftAppType,
    MicrosoftAppTenantId, and MicrosoftAppPassword unless it is a managed identity."""

    app_id: str = ""
    password: str = ""
    tenant_id: str = ""
    kind: str = ""  # SingleTenant | UserAssignedMSI | MultiTenant; "" in Emulator mode

    @property
    def emulator_mode(self) -> bool:
        return not self.app_id

    @property
    def managed_identity(self) -> bool:
        return self.kind == MSI

    @property
    def registration(self) -> Registration:
        return Registration(self.kind, self.app_id, self.tenant_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BotIdentity:
        reg = registration_of(env)  # every problem of the variables, at once
        password = "" if reg.kind in ("", MSI) else env.get("MicrosoftAppPassword", "").strip()
        return cls(reg.app_id, password, reg.tenant_id, reg.kind)


@dataclass(frozen=True)
class Endpoints:
    channel_metadata_url: str
    channel_issuer: str
    login_url: str  # authority for the bot's own tokens
    token_endpoint: str


async def discover(teams: TeamsConfig, identity: BotIdentity,
                   session: ClientSession) -> Endpoints:
    """Defaults are the public Bot Framework; a configured metadata URL says who it is."""
    tenant = identity.tenant_id or DEFAULT_TENANT
    login_url = f"{LOGIN_PREFIX}{tenant}"
    token_endpoint = f"{login_url}/oauth2/v2.0/token"
    if not teams.openid_metadata_url:
        return Endpoints(AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                         AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
                         login_url, token_endpoint)
    try:
        async with session.get(teams.openid_metadata_url, timeout=ClientTimeout(total=10)) as r:
            r.raise_for_status()
            doc = await r.json(content_type=None)
    except Exception as err:  # any failure here stops start-up, naming the setting
        raise ConfigError(f"[teams] openid_metadata_url {teams.openid_metadata_url} could "
                          f"not be read: {err}") from err
    token_endpoint = doc.get("token_endpoint") or token_endpoint
    login_url = token_endpoint.removesuffix("/oauth2/v2.0/token")
    return Endpoints(teams.openid_metadata_url, doc["issuer"], login_url, token_endpoint)


class BotCredentialsRefused(RuntimeError):
    """The token endpoint refused *our* credentials: a server-side fault, never a 401."""


class CachedToken:
    """An access token fetched once and again shortly before it expires, one fetch at a
    time however many turns need it at once. `_fetch` gets a new one: (token, seconds)."""

    MARGIN = 300  # seconds before expiry at which a new token is fetched

    def __init__(self) -> None:
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def current(self) -> str | None:
        return self._token

    async def token(self) -> str:
        if self._token and time.monotonic() < self._expires - self.MARGIN:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._expires - self.MARGIN:
                return self._token
            token, lifetime = await self._fetch()
            self._token, self._expires = token, time.monotonic() + lifetime
            return token

    async def _fetch(self) -> tuple[str, float]:
        raise NotImplementedError


class BotTokens(CachedToken):
    """The bot's access token for the Bot Connector, by client credentials."""

    def __init__(self, identity: BotIdentity, token_endpoint: str, session: ClientSession,
                 scope: str = BOT_FRAMEWORK_SCOPE) -> None:
        super().__init__()
        self._identity = identity
        self._endpoint = token_endpoint
        self._session = session
        self._scope = scope.rstrip("/") + "/.default"

    async def _fetch(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_id": self._identity.app_id,
                "client_secret": self._identity.password, "scope": self._scope}
        async with self._session.post(self._endpoint, data=form,
                                      timeout=ClientTimeout(total=15)) as resp:
            body = await resp.json(content_type=None)
            if resp.status != 200 or "access_token" not in body:
                raise BotCredentialsRefused(f"token endpoint refused the bot's credentials: "
                                            f"{body.get('error')}: "
                                            f"{body.get('error_description')}")
        return str(body["access_token"]), float(body.get("expires_in", 3600))


class _Settings:
    """The attribute names ConfigurationBotFrameworkAuthentication reads (its config object)."""

    def __init__(self, identity: BotIdentity, endpoints: Endpoints) -> None:
        self.APP_ID = identity.app_id
        self.APP_PASSWORD = identity.password
        self.APP_TENANTID = identity.tenant_id
        self.APP_TYPE = identity.kind or "MultiTenant"
        self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = endpoints.channel_metadata_url
        self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = endpoints.channel_issuer
        self.TO_CHANNEL_FROM_BOT_LOGIN_URL = endpoints.login_url
        self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = BOT_FRAMEWORK_SCOPE
        self.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL = (
            AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL)
        self.OAUTH_URL = AuthenticationConstants.OAUTH_URL
        self.CALLER_ID = CallerIdConstants.public_azure_channel.value
        self.VALIDATE_AUTHORITY = True


async def build_authentication(teams: TeamsConfig, identity: BotIdentity,
                               session: ClientSession, tokens: TokenSource | None = None
                               ) -> FixedAuthentication:
    """`tokens`: where the bot's outgoing tokens come from when it is not the client
    secret (a managed identity's endpoint, managed_identity.py)."""
    endpoints = await discover(teams, identity, session)
    settings = _Settings(identity, endpoints)
    inner = ConfigurationBotFrameworkAuthentication(settings)
    if tokens is None and not identity.emulator_mode:
        tokens = BotTokens(identity, endpoints.token_endpoint, session)
    if identity.emulator_mode:
        log.warning("Teams: MicrosoftAppId is not set: running in Emulator mode, requests "
                    "to /api/messages are NOT authenticated (for local use with the Bot "
                    "Framework Emulator only)")
    else:
        log.info("Teams: accepting Bot Framework tokens for app %s from %s; %s",
                 identity.app_id, endpoints.channel_metadata_url,
                 identity.registration.describe())
    return FixedAuthentication(
        inner, auth_disabled=identity.emulator_mode,
        channel_metadata_url=endpoints.channel_metadata_url,
        emulator_metadata_url=settings.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
        connectors=CachedConnectorFactory(tokens), session=session)
