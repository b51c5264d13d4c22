"""What identifies a Slack request for the inbox (the work after acks: adapters/after_ack.py).

Slack never retries a slash command and a click happens once, so an acknowledged request
must survive a crash: its delivery is written to the core's inbox before the ack (keyed
here), processed after it. A redelivered event finds its key and is acknowledged without
being processed twice; at start-up whatever is still pending is processed
(the core's replay loop, `Entrance.replays.run_pending`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def kind_of(body: dict[str, Any]) -> str | None:
    """command / action / view / event, or None for what is not worth an inbox row."""
    if body.get("command"):
        return "command"
    kind = body.get("type")
    return {"block_actions": "action", "view_submission": "view",
            "event_callback": "event"}.get(str(kind))


def key_of(body: dict[str, Any], raw_body: str) -> str:
    """Slack's event_id for events (stable across retries), else a hash of the whole body."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    raw = raw_body or json.dumps(body, sort_keys=True)  # Socket Mode has no raw body
    return "slack:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()
