"""The Web API client of the process: one shared HTTP session, 429s retried."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient


def make_client(token: str, base_url: str,
                session: aiohttp.ClientSession | None) -> AsyncWebClient:
    url = base_url if base_url.endswith("/") else base_url + "/"
    return AsyncWebClient(
        token=token, base_url=url, session=session,
        # A 429 means Slack did nothing, so the call is retried after Retry-After. A dropped
        # connection is not retried here: Slack may have created the channel or posted the
        # message already, and the core's intents + reconciliation check before redoing.
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)])


def bolt_client(client: AsyncWebClient) -> AsyncWebClient:
    """The client handed to Bolt itself: the same settings, without the shared session.

    Bolt builds a per-request client from it (sharing its session) and deep-copies the
    request context before a lazy listener starts; an aiohttp session cannot be copied (it
    holds the event loop). Bolt only calls auth.test with it (once, cached); every call of
    ours goes through `client`, on the shared session.
    """
    return make_client(client.token or "", client.base_url, None)
