"""Building blocks of malformed and forged requests: raw bodies, Slack signatures over bytes,
hand-made JWTs (alg=none, HS256 with a guessable key, no issuer)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from testkit.slack.signing import SIGNING_SECRET


@dataclass(frozen=True)
class Case:
    """One request and the status it must get. `chunked` sends the body without a length."""

    name: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False
    method: str = "POST"
    path: str = ""


def slack_signed(body: bytes, content_type: str | None = "application/x-www-form-urlencoded",
                 *, timestamp: str | None = None, secret: str = SIGNING_SECRET
                 ) -> dict[str, str]:
    """Slack's v0 signature over the raw bytes (the test's own HMAC, not the SDK's)."""
    ts = str(int(time.time())) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def handmade_jwt(header: dict[str, Any], claims: Any, key: bytes | None = None) -> str:
    """A JWT built by hand: any header (alg=none), any claims (even not an object)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = b""
    if key is not None:  # HS256: what an attacker signs with a key they can guess
        signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


async def chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i:i + size]
