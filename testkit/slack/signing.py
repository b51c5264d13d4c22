"""Sign requests the way Slack does (v0 HMAC-SHA256 of `v0:{ts}:{body}`), independently of
the SDK's verifier, so a mistake in either shows up."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PAYLOADS = Path(__file__).parent / "payloads"


def signed_headers(body: str, content_type: str, secret: str = SIGNING_SECRET,
                   timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}"}


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def form_body(fields: dict[str, Any]) -> str:
    return urlencode(fields)


def interactive_body(data: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(data)})
