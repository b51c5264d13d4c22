"""Zendesk webhooks: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp +
raw body)), with the timestamp in `X-Zendesk-Webhook-Signature-Timestamp` (ISO 8601).
Older than five minutes is stale (a replay), refused like a forgery."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from adapters.boundary import Rejected
from adapters.helpdesk.intake import body_key, same, ticket_of
from bot.domain import parse_iso
from bot.helpdesk import Ticket

MAX_AGE_S = 300
SIGNATURE = "X-Zendesk-Webhook-Signature"
TIMESTAMP = "X-Zendesk-Webhook-Signature-Timestamp"
INVOCATION = "X-Zendesk-Webhook-Invocation-Id"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class ZendeskIntake:
    name = "zendesk"
    title = "Zendesk"

    def __init__(self, secret: str, platform: str) -> None:
        self.secret = secret
        self.platform = platform

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        timestamp, given = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
        if not timestamp or not given:
            raise Rejected(401, f"unsigned: {SIGNATURE} and {TIMESTAMP} are required")
        if not same(sign(self.secret, timestamp, body), given):
            raise Rejected(401, "the signature does not match")
        try:
            age = abs((now - parse_iso(timestamp)).total_seconds())
        except ValueError:
            raise Rejected(401, f"{TIMESTAMP} is not an ISO 8601 time") from None
        if age > MAX_AGE_S:
            raise Rejected(401, f"stale: signed {int(age)} s ago (the limit is {MAX_AGE_S} s)")

    def ticket(self, data: dict) -> Ticket:
        return ticket_of(data, self.name, "ZD-")

    def delivery_key(self, headers: Mapping[str, str], body: bytes) -> str:
        return f"zendesk:{headers.get(INVOCATION) or body_key(body)}"
