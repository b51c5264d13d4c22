"""Faults the fake helpdesks inject, the same kinds as the fake Slack's and Bot Connector's:
429 with Retry-After, 500, the connection dropped *before* the helpdesk acts, and dropped
*after* it acted (the write arrived; its answer never does: the idempotency case).

State is per request (`request["fault"]`), so concurrent calls do not mix their faults.
Every call that reaches a fault check is counted, so a run can say how many calls it made
and how many of them failed.
"""

from __future__ import annotations

import random
from collections import Counter

from aiohttp import web

KINDS = ("429", "500", "drop_before", "drop_after")
_FAULT = web.RequestKey("fault", str)


class Faults:
    def __init__(self, seed: int = 4, kinds: tuple[str, ...] = KINDS,
                 retry_after: str = "0") -> None:
        self.rate = 0.0
        self.kinds = kinds
        self.rng = random.Random(seed)
        self.retry_after = retry_after  # seconds, as Zendesk and Jira send it
        self.calls = 0
        self.injected: Counter[str] = Counter()

    def before(self, request: web.Request) -> web.Response | None:
        """A refusal before the request is handled, or None (then `finish` may drop the
        answer after the helpdesk acted)."""
        self.calls += 1
        if self.rate <= 0 or self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice(self.kinds)
        self.injected[kind] += 1
        if kind == "429":
            return web.json_response({"error": "TooManyRequests"}, status=429,
                                     headers={"Retry-After": self.retry_after})
        if kind == "500":
            return web.Response(status=500, text="Internal Server Error")
        if kind == "drop_before" or request.method == "GET":
            return _drop(request)  # a read dropped after it was read looks the same
        request[_FAULT] = kind  # drop_after: acted on, then the answer is lost
        return None

    def finish(self, request: web.Request, response: web.Response) -> web.Response:
        if request.get(_FAULT) == "drop_after":
            return _drop(request)
        return response

    @property
    def faulted(self) -> int:
        return sum(self.injected.values())


def _drop(request: web.Request) -> web.Response:
    """Close the connection without an answer (the client sees it dropped)."""
    assert request.transport is not None
    request.transport.abort()
    return web.Response(status=500)  # goes nowhere: the connection is gone
