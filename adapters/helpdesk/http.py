"""One JSON call to a helpdesk's REST API: errors become `HelpdeskError`, transient or not."""

from __future__ import annotations

import base64
import json
import logging
from http import HTTPStatus
from typing import Any

import aiohttp

from adapters.helpdesk.webhook.callbacks import refused_cause
from bot.helpdesk import HelpdeskError
from bot.metrics import PLATFORM_ERRORS

TIMEOUT = aiohttp.ClientTimeout(total=20)
log = logging.getLogger("swarmbot.helpdesk")
LOGGED_BODY_CHARS = 300  # of a refusal's body, in the log (never shown to a person)


def helpdesk_session(connector: aiohttp.BaseConnector | None = None) -> aiohttp.ClientSession:
    """A session that never sends a request twice on its own.

    aiohttp resends a PUT or DELETE once when its connection drops (RFC 9110 calls them
    idempotent), but a Zendesk internal note is a PUT that adds a comment: the silent second
    copy is a duplicate note nobody hears of (the fault suite caught it). Our own retries
    look for the note first, so the resend is left to them. There is no public switch for
    it (aio-libs/aiohttp#10790); `tests/helpdesk/test_faults_at_scale.py` fails if this
    stops working.
    """
    session = aiohttp.ClientSession(connector=connector)
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


def short_reason(status: int) -> str:
    """`HTTP 403 Forbidden`: the status and its standard phrase, nothing the target wrote."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def basic_auth(login: str, password: str) -> dict[str, str]:
    """The Authorization header of HTTP Basic auth (RFC 7617, UTF-8). Built here because
    aiohttp 3.14 deprecates `BasicAuth` and `auth=` while its replacement,
    `encode_basic_auth`, is missing from the older 3.x releases our pin allows."""
    token = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


class JsonApi:
    """`quote_errors`: a refusal's own words (Zendesk's, Jira's error fields) may be shown
    to people; for a target nobody vouches for (a webhook's callback) only the status is.
    Redirects are never followed: a 3xx is a refusal (it could point anywhere)."""

    def __init__(self, name: str, base_url: str, session: aiohttp.ClientSession,
                 auth: dict[str, str] | None = None, quote_errors: bool = True) -> None:
        self.name = name
        self.base = base_url.rstrip("/")
        self.session = session
        self.auth = auth or {}
        self.quote_errors = quote_errors

    async def call(self, action: str, method: str, path: str, *, body: Any = None,
                   params: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None, raw: bytes | None = None) -> Any:
        url = path if path.startswith("http") else self.base + path
        try:
            async with self.session.request(
                    method, url, json=body if raw is None else None, data=raw, params=params,
                    headers={"Accept": "application/json", **self.auth, **(headers or {})},
                    timeout=TIMEOUT, allow_redirects=False) as resp:
                text = await resp.text()
                status = resp.status
                retry_after = _retry_after(resp.headers.get("Retry-After"))
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as err:
            PLATFORM_ERRORS.labels(self.name, action).inc()
            raise HelpdeskError(action, "the URL is not one that can be called") from err
        except (aiohttp.ClientError, TimeoutError) as err:
            PLATFORM_ERRORS.labels(self.name, action).inc()
            if (refused := refused_cause(err)) is not None:  # not ours to retry
                raise HelpdeskError(action, refused.reason) from err
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
        if status >= 300:
            PLATFORM_ERRORS.labels(self.name, action).inc()
            log.info("%s: %s answered %s: %s", self.name, action, status,
                     text[:LOGGED_BODY_CHARS].replace("\n", " "))
            if status < 400:
                raise HelpdeskError(action, f"{short_reason(status)} (redirects are not "
                                            "followed)")
            words = error_text(data)[:200] if self.quote_errors else ""
            raise HelpdeskError(action, f"HTTP {status} ({words})" if words
                                else short_reason(status))
        return data
