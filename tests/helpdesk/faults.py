"""Faults the fake helpdesks inject: 429 with Retry-After, 503 before doing anything, and a
502 *after* applying a write (the caller cannot tell it arrived: the idempotency case)."""

from __future__ import annotations

import random

from aiohttp import web


class Faults:
    def __init__(self, seed: int = 4) -> None:
        self.rate = 0.0
        self.rng = random.Random(seed)
        self.injected: list[str] = []

    def before(self, method: str) -> web.Response | None:
        """A refusal before the request is handled, or None; "after" faults are flagged."""
        self.after = False
        if self.rate <= 0 or self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice(["429", "503", "applied-502"] if method != "GET"
                               else ["429", "503"])
        self.injected.append(kind)
        if kind == "429":
            return web.json_response({"error": "TooManyRequests"}, status=429,
                                     headers={"Retry-After": "0"})
        if kind == "503":
            return web.Response(status=503, text="Service Unavailable")
        self.after = True
        return None

    def finish(self, response: web.Response) -> web.Response:
        if self.after:
            return web.Response(status=502, text="Bad Gateway")
        return response
