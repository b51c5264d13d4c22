"""One JSON call to a helpdesk's REST API: errors become `HelpdeskError`, transient or not."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp

from bot.helpdesk import HelpdeskError
from bot.metrics import PLATFORM_ERRORS

TIMEOUT = aiohttp.ClientTimeout(total=20)


def helpdesk_session() -> aiohttp.ClientSession:
    """A session that never sends a request twice on its own.

    aiohttp resends a PUT or DELETE once when its connection drops (RFC 9110 calls them
    idempotent), but a Zendesk internal note is a PUT that adds a comment: the silent second
    copy is a duplicate note nobody hears of (the fault suite caught it). Our own retries
    look for the note first, so the resend is left to them. There is no public switch for
    it (aio-libs/aiohttp#10790); `tests/helpdesk/test_faults_at_scale.py` fails if this
    stops working.
    """
    session = aiohttp.ClientSession()
    session._retry_connection = False
    return session


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the service's own backoff applies


def error_text(data: Any) -> str:
    """The helpdesk's own words: Zendesk `{"error", "description"}` (or `{"error": {"title",
    "message"}}`), Jira `{"errorMessages": [...], "errors": {...}}`."""
    if not isinstance(data, dict):
        return ""
    err = data.get("error")
    if isinstance(err, dict):
        return ": ".join(str(err[k]) for k in ("title", "message") if err.get(k))
    if err:
        return ": ".join(str(x) for x in (err, data.get("description")) if x)
    messages = [str(m) for m in data.get("errorMessages") or []]
    messages += [f"{k}: {v}" for k, v in (data.get("errors") or {}).items()]
    return "; ".join(messages)


def basic_auth(login: str, password: str) -> dict[str, str]:
    """The Authorization header of HTTP Basic auth (RFC 7617, UTF-8). Built here because
    aiohttp 3.14 deprecates `BasicAuth` and `auth=` while its replacement,
    `encode_basic_auth`, is missing from the older 3.x releases our pin allows."""
    token = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


class JsonApi:
    def __init__(self, name: str, base_url: str, session: aiohttp.ClientSession,
                 auth: dict[str, str] | None = None) -> None:
        self.name = name
        self.base = base_url.rstrip("/")
        self.session = session
        self.auth = auth or {}

    async def call(self, action: str, method: str, path: str, *, body: Any = None,
                   params: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None, raw: bytes | None = None) -> Any:
        url = path if path.startswith("http") else self.base + path
        try:
            async with self.session.request(
                    method, url, json=body if raw is None else None, data=raw, params=params,
                    headers={"Accept": "application/json", **self.auth, **(headers or {})},
                    timeout=TIMEOUT) as resp:
                text = await resp.text()
                status = resp.status
                retry_after = _retry_after(resp.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as err:
            PLATFORM_ERRORS.labels(self.name, action).inc()
            # The request may or may not have reached the helpdesk: callers that write
            # check before writing again (note markers, the assignee read first).
            raise HelpdeskError(action, f"{type(err).__name__}", transient=True) from err
        try:
            data = json.loads(text) if text.strip() else None
        except ValueError:
            data = None
        if status == 429 or status >= 500:
            PLATFORM_ERRORS.labels(self.name, action).inc()
            raise HelpdeskError(action, f"HTTP {status}", transient=True,
                                retry_after=retry_after)
        if status >= 400:
            PLATFORM_ERRORS.labels(self.name, action).inc()
            words = error_text(data)
            raise HelpdeskError(action, f"HTTP {status}" + (f" ({words})" if words else ""))
        return data
