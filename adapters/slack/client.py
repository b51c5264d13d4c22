"""The Web API client of the process: one shared HTTP session; retries are the outbox's."""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient


def make_client(token: str, base_url: str,
                session: aiohttp.ClientSession | None) -> AsyncWebClient:
    url = base_url if base_url.endswith("/") else base_url + "/"
    return AsyncWebClient(
        token=token, base_url=url, session=session,
        # Nothing is retried here (no retry handlers, not even the SDK's default ones): a
        # failed call becomes a PortError saying whether it is transient, and the outbox
        # (bot/services/outbox.py) retries side effects with backoff, honouring Retry-After
        # in both its forms, looking before it redoes what a dropped connection may have done.
        retry_handlers=[])


def bolt_client(client: AsyncWebClient) -> AsyncWebClient:
    """The client handed to Bolt itself: the same settings, without the shared session.

    Bolt builds a per-request client from it (sharing its session) and deep-copies the
    request context before a lazy listener starts; an aiohttp session cannot be copied (it
    holds the event loop). Bolt only calls auth.test with it (once, cached); every call of
    ours goes through `client`, on the shared session.
    """
    return make_client(client.token or "", client.base_url, None)
