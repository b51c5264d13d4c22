"""What every helpdesk intake shares: the JSON body read into a neutral `Ticket`.

Every webhook carries the same fields (docs/helpdesk.md gives each helpdesk's trigger body):
`ticket_id`, `subject`, `priority`, `requester`, `organization`, `assignee_email`, `tags`,
`url`, `requester_tz` (the requester's IANA zone, optional: the case's customer clock), and
for the generic webhook `callback_url`. A wrong shape is a 400 with one line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.boundary import Rejected
from bot.domain import CASE_REF
from bot.helpdesk import Ticket

_TEXT = ("subject", "priority", "requester", "organization", "assignee_email", "url",
         "callback_url", "requester_tz")
_FORM = ('{"ticket_id": "123", "subject": "…", "priority": "high", "requester": "…", '
         '"organization": "…", "assignee_email": "…", "tags": ["swarm"], "url": "https://…"}')


def json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Rejected(400, f"the body is not JSON: send {_FORM}") from None
    if not isinstance(data, dict):
        raise Rejected(400, f"the body must be a JSON object: {_FORM}")
    return data


def _text(data: dict[str, Any], key: str, limit: int = 2000) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Rejected(400, f"{key} must be a string, not {type(value).__name__}")
    return str(value).strip()[:limit]


def ticket_of(data: dict[str, Any], helpdesk: str, ref_prefix: str = "") -> Ticket:
    ticket_id = _text(data, "ticket_id", 100)
    ref = f"{ref_prefix}{ticket_id}"
    if not ticket_id or not CASE_REF.match(ref):
        raise Rejected(400, f"ticket_id {ticket_id[:40]!r} is not a ticket id: letters, digits "
                            "and - _ . # (e.g. 123 or SUP-7)")
    tags = data.get("tags") or []
    if isinstance(tags, str):  # Zendesk's {{ticket.tags}} is one space-separated string
        tags = tags.split()
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise Rejected(400, "tags must be a list of strings or one space-separated string")
    fields = {k: _text(data, k) for k in _TEXT}
    return Ticket(helpdesk=helpdesk, id=ticket_id, ref=ref, subject=fields["subject"][:500],
                  url=fields["url"], priority=fields["priority"] or None,
                  requester=fields["requester"][:200],
                  organization=fields["organization"][:200],
                  assignee_email=fields["assignee_email"] or None, tags=tuple(tags[:50]),
                  callback_url=fields["callback_url"] or None,
                  requester_tz=_zone(fields["requester_tz"]))


def _zone(name: str) -> str:
    """The requester's IANA zone ("Australia/Sydney"); one swarmbot does not know is left
    out (the case keeps no zone) rather than refusing the ticket."""
    if not name or len(name) > 64:
        return ""
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        return ""
    return name


def body_key(body: bytes) -> str:
    """A delivery id for webhooks that carry none: the same body is the same delivery."""
    return hashlib.sha256(body).hexdigest()


def same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())
