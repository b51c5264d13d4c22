"""Every workaround for a botbuilder 4.17.1 defect lives here, each named and explained.

Nothing is patched at import time: `apply_global_fixes()` is called once by the endpoint.
Each defect has a test in tests/teams/test_botbuilder_fixes.py that shows it in stock
botbuilder, so that an upgrade which fixes it upstream tells us to drop the workaround.

1. `CloudAdapter.process()` answers every invoke that has a body with a 500:
   `ActivityHandler._create_invoke_response` already serialises the body to a dict, and
   `process()` runs `serializer_helper` on it again, which msrest cannot do for a dict.
   -> the endpoint calls `process_activity` itself and writes the InvokeResponse with
   `invoke_to_response` (serialising only a real msrest Model).
2. Every turn builds two msrest configurations (the ConnectorClient and the UserTokenClient),
   and each builds a `ClientRetryPolicy` whose `__init__` scans a 500-item *list*
   (`i not in safe_codes`) for each of 999 status codes: ~3.6 ms of CPU apiece on the
   machine this was profiled on (cProfile of a stock echo turn: 1.62 s of 3.3 s spent in
   that one list comprehension), ~7 ms per turn. -> `safe_codes` becomes a frozenset,
   which computes the same retry list in microseconds.
3. `_ConnectorFactoryImpl.create` builds a new ConnectorClient per turn, whose requests
   session runs in a thread pool and opens a new TCP connection per turn, and whose
   `MicrosoftAppCredentials` builds a new msal app per turn (so msal's token cache is
   always empty and every turn fetches a token, synchronously, on the event loop).
   -> `CachedConnectorFactory`: one ConnectorClient per serviceUrl on aiohttp, and a bearer
   policy stamping the token that `auth.BotTokens` keeps fresh asynchronously. (swarmbot's
   own posts and replies go through adapters/teams/connector.py, for speed: see there; this
   client serves whatever botbuilder itself sends, e.g. TeamsInfo calls.)
4. `JwtTokenExtractor` fetches the OpenID metadata and JWKS with blocking `requests.get` on
   the event loop (first request, then daily), raises IndexError for an unknown key id and
   lets PyJWT's errors (expired, bad signature, garbage) escape: all 500s instead of 401.
   -> `FixedAuthentication` refreshes the key cache (signing_keys.py) with aiohttp before
   delegating (503, not 500, when the keys cannot be fetched), checks
   the key id, and turns token errors into PermissionError (401). More of the same, found
   by tests/faults: `EmulatorValidation.is_token_from_emulator` raises KeyError for a token
   without `iss`; `_validate_token` raises a bare `Exception` for a disallowed algorithm
   (`alg: none`) or a channel the key is not endorsed for. -> `verify_token` checks the
   header, algorithm, key and signature itself, *before* the endpoint parses the body,
   and a bare `Exception` out of botbuilder's validation is a refusal (401).
5. With any parameterised setting (a custom OpenID metadata URL), an empty Authorization
   header is validated as a token and refused, even when no app id is configured
   (Emulator mode). -> `FixedAuthentication` answers an anonymous identity, as the
   built-in public-cloud authentication does.
6. A UserTokenClient (another msrest client, see 2) is built per turn although swarmbot never
   uses OAuth prompts. -> built once and reused.
7. (msrest 0.7.1, under botbuilder) `msrest.pipeline.aiohttp.AioHTTPSender` hands its driver
   only the request object, and the driver sends method and URL but neither the headers
   nor the body: an empty, unauthenticated POST. -> `_AiohttpSender`, a 20-line pipeline
   sender on one aiohttp session that sends all three.
8. (PyJWT 2.15, under botbuilder) each token is decoded about ten times a request and each
   decode checks the base64url alphabet character by character in Python: ~2 ms of CPU a
   turn with a real token (more than the rest of the turn). -> a verified token is
   remembered until it expires, with the activity fields botbuilder checks it against
   (verified_tokens.py).
9. `ManagedIdentityAppCredentials` (what `ConfigurationServiceClientCredentialFactory` makes
   for `APP_TYPE = "UserAssignedMSI"`) gets each token through msal's ManagedIdentityClient
   on a blocking `requests.Session`, on the event loop, and through
   `_ConnectorFactoryImpl` (defect 3) a new credential per turn. -> a managed identity's
   outgoing token comes from `managed_identity.ManagedIdentityTokens` (aiohttp, cached, one
   fetch at a time, the App Service and IMDS protocols) into `CachedConnectorFactory`;
   botbuilder's credential object is never asked for a token (endpoint.start_teams).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import jwt
from aiohttp import ClientSession, ClientTimeout, web
from botbuilder.core import InvokeResponse
from botbuilder.schema import Activity
from botframework.connector import AsyncBfPipeline
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    EmulatorValidation,
    JwtTokenExtractor,
    UserTokenClient,
)
from jwt.algorithms import RSAAlgorithm
from msrest.pipeline import AsyncHTTPSender, Request, Response, SansIOHTTPPolicy
from msrest.serialization import Model
from msrest.universal_http.aiohttp import AioHttpClientResponse
from msrest.universal_http.requests import ClientRetryPolicy

from adapters.teams.signing_keys import KeyCache
from adapters.teams.verified_tokens import VerifiedTokens

USER_AGENT = "swarmbot (BotBuilder Python/4.17)"
# botbuilder's VerifyOptions.clock_tolerance for channel and emulator tokens.
_CLOCK_TOLERANCE = 5 * 60


def apply_global_fixes() -> None:
    """Defect 2: the only process-wide change (a class attribute msrest reads in __init__)."""
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        # msrest's safe_codes is inferred a list[int]; only `in` reads it, which a frozenset
        # answers the same (and fast).
        ClientRetryPolicy.safe_codes = frozenset(  # type: ignore[assignment]
            ClientRetryPolicy.safe_codes)


def invoke_to_response(invoke: InvokeResponse | None) -> web.Response:
    """Defect 1: write an InvokeResponse without serialising its body twice."""
    if invoke is None:
        return web.Response(status=201)
    body = invoke.body
    if isinstance(body, Model):
        body = body.serialize()
    status = int(invoke.status or 200)
    if body is None:
        return web.Response(status=status)
    return web.json_response(body, status=status)


class TokenSource(Protocol):
    async def token(self) -> str: ...

    def current(self) -> str | None: ...


class _BearerPolicy(SansIOHTTPPolicy):
    """Stamps the bot's token on each Bot Connector call (kept fresh by `create`).

    Without tokens (Emulator mode) it stamps nothing: ConnectorClient refuses None."""

    def __init__(self, tokens: TokenSource | None) -> None:
        self._tokens = tokens

    def on_request(self, request: Any, **kwargs: Any) -> None:
        token = self._tokens.current() if self._tokens is not None else None
        if token:
            request.http_request.headers["Authorization"] = f"Bearer {token}"


class _AiohttpSender(AsyncHTTPSender):
    """Defect 7: a pipeline sender that sends the method, URL, headers *and* body."""

    def __init__(self, session: ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> _AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None

    async def send(self, request: Request, **config: Any) -> Response:
        http = request.http_request
        resp = await self._session.request(http.method, http.url, headers=http.headers,
                                           data=http.data, timeout=ClientTimeout(total=30))
        response = AioHttpClientResponse(http, resp)
        await response.load_body()
        return Response(request, response)


class CachedConnectorFactory(ConnectorFactory):
    """Defect 3: one ConnectorClient per serviceUrl, all on one aiohttp session."""

    def __init__(self, tokens: TokenSource | None) -> None:
        self._tokens = tokens
        self.tokens = tokens  # shared with adapters.teams.connector for swarmbot's own calls
        self._clients: dict[str, ConnectorClient] = {}
        self._session: ClientSession | None = None

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        if self._tokens is not None:
            await self._tokens.token()  # refreshes (asynchronously) only when near expiry
        client = self._clients.get(service_url)
        if client is None:
            if self._session is None:
                self._session = ClientSession()
            client = ConnectorClient(_BearerPolicy(self._tokens), base_url=service_url,
                                     pipeline_type=AsyncBfPipeline,
                                     sender=_AiohttpSender(self._session))
            client.config.add_user_agent(USER_AGENT)
            self._clients[service_url] = client
        return client

    async def close(self) -> None:
        self._clients.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None


def _copy(result: AuthenticateRequestResult,
          connectors: ConnectorFactory) -> AuthenticateRequestResult:
    """A turn's own result object (botbuilder may set fields on it), sharing the claims."""
    fresh = AuthenticateRequestResult()
    fresh.claims_identity = result.claims_identity
    fresh.audience = result.audience
    fresh.caller_id = result.caller_id
    fresh.connector_factory = connectors
    return fresh


class FixedAuthentication(BotFrameworkAuthentication):
    """botbuilder's own token validation, with defects 3-6 worked around around it."""

    def __init__(self, inner: BotFrameworkAuthentication, *, auth_disabled: bool,
                 channel_metadata_url: str, emulator_metadata_url: str,
                 connectors: CachedConnectorFactory, session: ClientSession,
                 verified: VerifiedTokens | None = None) -> None:
        self._inner = inner
        self._verified = verified or VerifiedTokens()  # defect 8
        self._auth_disabled = auth_disabled
        self._channel_metadata_url = channel_metadata_url
        self._emulator_metadata_url = emulator_metadata_url
        self.connectors = connectors
        self._keys = KeyCache(session)
        self._user_token_clients: dict[str, UserTokenClient] = {}

    async def authenticate_request(self, activity: Activity,
                                   auth_header: str) -> AuthenticateRequestResult:
        if not auth_header:
            if not self._auth_disabled:
                raise PermissionError("no Authorization header")
            result = AuthenticateRequestResult()  # defect 5: Emulator mode, no token
            result.claims_identity = ClaimsIdentity(
                {}, True, AuthenticationConstants.ANONYMOUS_AUTH_TYPE)
            result.audience = self._inner.get_originating_audience()
        else:
            # Defect 8: botbuilder checks the token against these activity fields only.
            key = ("activity", auth_header, activity.channel_id, activity.service_url)
            known = self._verified.get(key)
            if known is not None:
                return _copy(known, self.connectors)
            await self._check_key(auth_header)
            try:
                result = await self._inner.authenticate_request(activity, auth_header)
            except jwt.InvalidTokenError as err:  # defect 4: expired/forged -> 401, not 500
                raise PermissionError(f"invalid token: {err}") from err
            except Exception as err:
                if type(err) is not Exception:  # a real fault (network, bug): not a 401
                    raise
                # defect 4: botbuilder's refusals (algorithm, endorsement) are bare Exceptions
                raise PermissionError(f"token refused: {err}") from err
            self._verified.put(key, result.claims_identity.claims or {}, result)
        return _copy(result, self.connectors)

    async def verify_token(self, auth_header: str) -> None:
        """Authenticate the header alone, before the body is parsed: PermissionError unless
        it is a Bearer JWT signed (RS256, as botbuilder decodes) by a published key, and
        unexpired. Claims that need the activity (audience, serviceurl, endorsement) are
        botbuilder's, in `authenticate_request` once the body is read."""
        if not auth_header and self._auth_disabled:
            return  # Emulator mode: anonymous requests are allowed (defect 5)
        if self._verified.get(("header", auth_header)) is not None:
            return  # defect 8: verified before, not expired
        url, kid, token = await self._check_key(auth_header)
        if jwt.get_unverified_header(token).get("alg") != "RS256":
            raise PermissionError("token is not signed with RS256")
        keys = JwtTokenExtractor.get_open_id_metadata(url).keys
        jwk = next(k for k in keys if k.get("kid") == kid)  # _check_key made sure it is there
        try:
            key = RSAAlgorithm.from_jwk(json.dumps(jwk))  # a JWK holds a public key
            # from_jwk is typed public-or-private key; the signing keys' JWKs are public ones.
            claims = jwt.decode(token, key, algorithms=["RS256"],  # type: ignore[arg-type]
                                options={"verify_aud": False}, leeway=_CLOCK_TOLERANCE)
        except (jwt.InvalidTokenError, ValueError) as err:
            raise PermissionError(f"invalid token: {err}") from err
        self._verified.put(("header", auth_header), claims, True)

    async def _check_key(self, auth_header: str) -> tuple[str, str, str]:
        """(metadata URL, key id, token) of a well-formed Bearer JWT whose key is published."""
        scheme, _, token = auth_header.partition(" ")
        if scheme != "Bearer" or not token:
            raise PermissionError("Authorization is not a Bearer token")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError as err:
            raise PermissionError(f"malformed token: {err}") from err
        if not isinstance(kid, str) or not isinstance(claims.get("iss"), str):
            raise PermissionError("token has no key id or no issuer")
        emulator = EmulatorValidation.is_token_from_emulator(auth_header)
        url = self._emulator_metadata_url if emulator else self._channel_metadata_url
        await self._keys.ensure_key(url, kid)
        return url, kid, token

    async def authenticate_streaming_request(self, auth_header: str,
                                             channel_id_header: str) -> AuthenticateRequestResult:
        raise PermissionError("streaming (Direct Line ASE) is not supported by swarmbot")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = str(claims_identity.claims.get(AuthenticationConstants.AUDIENCE_CLAIM, ""))
        if key not in self._user_token_clients:  # defect 6: once, not per turn
            self._user_token_clients[key] = await self._inner.create_user_token_client(
                claims_identity)
        return self._user_token_clients[key]

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        await self.verify_token(auth_header)
        return await self._inner.authenticate_channel_request(auth_header)
