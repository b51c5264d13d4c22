"""What every HTTP entrance shares: a capped body read, the media type check, one-line refusals.

A request a client got wrong is refused with the status that says so (400 malformed, 401
unauthenticated, 413 too big, 415 wrong media type) and one line saying what was wrong and
the right form; never a 500, never a traceback. Only our own faults are 500s, logged with an
error id that the answer carries (`internal_error`).
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from aiohttp import web

# The largest request body /slack/events and /api/messages accept. Slack and the Bot
# Framework send far less (a view submission or an activity is a few kB; Teams refuses
# messages over ~28 kB); 1 MiB is also aiohttp's own default `client_max_size`.
# A module constant, not a config key: bot/config.py belongs to the config's owner.
MAX_BODY_BYTES = 1024 * 1024
_CHUNK = 64 * 1024
# Seconds a request's body may take to arrive ([server] body_timeout, set by `serve`).
BODY_TIMEOUT = web.AppKey("body_timeout", float)
DEFAULT_BODY_TIMEOUT = 10.0
log = logging.getLogger("swarmbot.boundary")


class Rejected(Exception):
    """A request refused at the boundary: `status` and one line for the client; with
    `retry_after` (seconds) the refusal is temporary (503) and says when to try again."""

    def __init__(self, status: int, reason: str, retry_after: int | None = None,
                 quiet: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after
        # A slow client or one gone mid-body: worth a debug line at most, and the
        # connection is closed after the answer (it is not one to keep alive).
        self.quiet = quiet

    def response(self) -> web.Response:
        headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        resp = web.json_response({"error": self.reason}, status=self.status, headers=headers)
        if self.quiet:
            resp.force_close()
        return resp


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused with 413 past `limit` without reading the rest.

    Content-Length is trusted only to refuse early; a chunked body (no length) is counted
    as it arrives, so neither form can make the server buffer more than `limit` bytes."""
    too_big = Rejected(413, f"request body is over the {limit}-byte limit")
    if request.content_length is not None and request.content_length > limit:
        raise too_big
    content = request.content
    if content.is_eof() and content.exception() is None and \
            request.content_length is not None:
        # The whole body is here already (the usual case: a small request in one packet):
        # taken as it is, without arming a timer for a read that cannot wait.
        whole = content.read_nowait(-1)
        if len(whole) == request.content_length:
            return whole
        raise Rejected(400, "the request body was cut short", quiet=True)
    body = bytearray()
    timeout = request.config_dict.get(BODY_TIMEOUT, DEFAULT_BODY_TIMEOUT)
    try:
        async with asyncio.timeout(timeout):
            while chunk := await request.content.read(_CHUNK):
                body += chunk
                if len(body) > limit:
                    raise too_big
    except TimeoutError:
        log.debug("%s %s: the body did not arrive within %g s (%d bytes came)",
                  request.method, request.path, timeout, len(body))
        raise Rejected(408, f"the request body did not arrive within {timeout:g} s",
                       quiet=True) from None
    except ConnectionError as err:
        # The client went away mid-body (aiohttp: "Connection lost"): nobody reads the answer.
        log.debug("%s %s: the client went away mid-body (%s)", request.method,
                  request.path, type(err).__name__)
        raise Rejected(400, "the request body was cut short", quiet=True) from None
    if request.content_length is not None and len(body) < request.content_length:
        # The same, when aiohttp saw the connection close as the body's end (which of the
        # two a client's abort gives depends on timing): a short body is never taken whole.
        log.debug("%s %s: the client went away mid-body (%d of %d bytes came)",
                  request.method, request.path, len(body), request.content_length)
        raise Rejected(400, "the request body was cut short", quiet=True)
    return bytes(body)


def check_media_type(request: web.Request, accepted: tuple[str, ...]) -> str:
    """The request's media type if it is one of `accepted` (in UTF-8), else 415."""
    media = request.content_type  # aiohttp lower-cases it; absent -> application/octet-stream
    charset = request.charset
    if media not in accepted or (charset is not None and charset.lower() not in
                                 ("utf-8", "utf8")):
        raise Rejected(415, f"Content-Type must be {' or '.join(accepted)} (UTF-8), "
                            f"not {request.headers.get('Content-Type', '(none)')[:80]}")
    return media


def internal_error(log: logging.Logger, what: str) -> web.Response:
    """Our own fault: logged with the traceback and an id; the client sees only the id.

    Call it from an `except` block (it logs the exception being handled)."""
    error_id = uuid.uuid4().hex[:8]
    log.exception("error %s %s", error_id, what)
    return web.json_response({"error": f"internal error {error_id}"}, status=500)


def store_unavailable(log: logging.Logger, what: str, err: Exception) -> web.Response:
    """The store could not take a request's inbox row (disk full, server gone): nothing was
    acknowledged, so the sender is told to try again (503 + Retry-After), in one log line."""
    log.warning("answered 503 to %s: the store cannot take it (%s)", what, err)
    return Rejected(503, "swarmbot's database is unavailable, try again shortly",
                    retry_after=5).response()
