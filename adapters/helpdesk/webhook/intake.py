"""The generic signed webhook (Salesforce flows, ServiceNow business rules, anything):
`X-Swarmbot-Signature: sha256=<hex>` = HMAC-SHA256(SWARMBOT_WEBHOOK_SECRET, raw body).
A delivery id comes from `X-Swarmbot-Delivery`, else from the body itself: a replayed
request opens nothing twice."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from adapters.boundary import Rejected
from adapters.helpdesk.intake import body_key, same, ticket_of
from bot.helpdesk import Ticket

SIGNATURE = "X-Swarmbot-Signature"
DELIVERY = "X-Swarmbot-Delivery"


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookIntake:
    name = "webhook"
    title = "the helpdesk"

    def __init__(self, secret: str, platform: str) -> None:
        self.secret = secret
        self.platform = platform

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        given = headers.get(SIGNATURE, "")
        if not given.startswith("sha256="):
            raise Rejected(401, f"unsigned: {SIGNATURE}: sha256=<hex HMAC of the body> is "
                                "required")
        if not same(f"sha256={sign(self.secret, body)}", given):
            raise Rejected(401, "the signature does not match")

    def ticket(self, data: dict) -> Ticket:
        return ticket_of(data, self.name)

    def delivery_key(self, headers: Mapping[str, str], body: bytes) -> str:
        return f"webhook:{headers.get(DELIVERY, '')[:200] or body_key(body)}"
