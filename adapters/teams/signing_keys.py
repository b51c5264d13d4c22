"""The Bot Framework's signing keys (OpenID metadata -> JWKS), fetched with aiohttp.

botbuilder_fixes defect 4: botbuilder would fetch them with blocking `requests` on the
event loop; this cache fills botbuilder's own per-URL metadata cache first, so botbuilder
finds the keys already there.

When the keys cannot be fetched (the issuer is down, answers an error, or sends something
that is not a key set), that is not the caller's fault and not a bug of ours:
`KeysUnavailable` says so, and the endpoint answers 503 with Retry-After so the Bot
Framework tries again, instead of a 500 with a traceback. Keys fetched earlier keep
serving while botbuilder itself still trusts them.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from aiohttp import ClientError, ClientSession, ClientTimeout
from botframework.connector.auth import JwtTokenExtractor

log = logging.getLogger("swarmbot.teams")


class KeysUnavailable(Exception):
    """The signing keys could not be fetched: the request can be tried again later."""

    RETRY_AFTER = 30  # seconds: an issuer outage outlasts a quick retry

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"Bot Framework signing keys from {url} unavailable: {why}")
        self.retry_after = self.RETRY_AFTER


def _why(err: BaseException) -> str:
    """One line naming the failure (a timeout's message is empty)."""
    if isinstance(err, TimeoutError):
        return "timed out"
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


class KeyCache:
    """Per metadata URL: when the keys were last fetched, and a refresh when they are due."""

    REFRESH_AFTER = 12 * 3600  # botbuilder refreshes after 24 h, blocking; we do it first
    BOTBUILDER_MAX_AGE = 24 * 3600  # past this botbuilder fetches them itself: keep ahead
    UNKNOWN_KID_COOLDOWN = 300  # a token with an unknown key id refreshes at most this often
    REFRESH_RETRY = 60  # after a failed routine refresh, held keys serve this long untried

    def __init__(self, session: ClientSession) -> None:
        self._session = session
        self._fetched: dict[str, float] = {}
        self._retry_at: dict[str, float] = {}  # no routine refresh before (a failed one)

    async def _fetch(self, url: str) -> list[dict[str, object]]:
        timeout = ClientTimeout(total=10)
        try:
            async with self._session.get(url, timeout=timeout) as resp:
                resp.raise_for_status()
                jwks_uri = (await resp.json(content_type=None))["jwks_uri"]
            async with self._session.get(jwks_uri, timeout=timeout) as resp:
                resp.raise_for_status()
                keys = (await resp.json(content_type=None))["keys"]
        # Network, HTTP status, not JSON, JSON without the field: each means "no keys now".
        except (ClientError, TimeoutError, ValueError, KeyError, TypeError) as err:
            raise KeysUnavailable(url, _why(err)) from err
        if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
            raise KeysUnavailable(url, "the key set is not a list of keys")
        return keys

    async def _refresh(self, url: str) -> None:
        keys = await self._fetch(url)
        metadata = JwtTokenExtractor.get_open_id_metadata(url)
        metadata.keys = keys
        metadata.last_updated = datetime.now()
        self._fetched[url] = time.monotonic()

    async def ensure_key(self, url: str, kid: str | None) -> None:
        """Return once key `kid` of `url` is in botbuilder's cache; PermissionError if the
        issuer does not publish it, KeysUnavailable if the keys cannot be fetched."""
        now = time.monotonic()
        age = now - self._fetched.get(url, float("-inf"))
        # Keys we hold that botbuilder still accepts (under its 24 h) can serve a while
        # longer when a routine refresh fails, rather than refusing every request.
        held = age <= self.BOTBUILDER_MAX_AGE and self._has(url, kid)
        if age > self.REFRESH_AFTER and not (held and now < self._retry_at.get(url, 0.0)):
            try:
                await self._refresh(url)
                age = 0.0
            except KeysUnavailable as err:
                if not held:
                    raise
                self._retry_at[url] = now + self.REFRESH_RETRY  # one try (and line) a minute
                log.warning("Teams: %s; using the keys fetched %.1f h ago", err, age / 3600)
                return
        if self._has(url, kid):
            return
        if age > self.UNKNOWN_KID_COOLDOWN:
            await self._refresh(url)
            if self._has(url, kid):
                return
        raise PermissionError("token signed with an unknown key")

    @staticmethod
    def _has(url: str, kid: str | None) -> bool:
        return any(k.get("kid") == kid for k in JwtTokenExtractor.get_open_id_metadata(url).keys)

