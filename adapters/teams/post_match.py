"""Is this Graph chatMessage the activity the port sent? (TeamsChatPort.find_post)

Graph gives back what the Bot Connector took: an Adaptive Card as the JSON text of
`attachments[].content` (compared whole, parsed: the card is the post's stable marker: it is
rendered from the reply alone), plain text as the HTML of `body.content` (compared as text:
tags such as <p> and <at> dropped, entities unescaped, spaces collapsed).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from adapters.teams import cards

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _cards_of(message: dict[str, Any]) -> list[Any]:
    found = []
    for attachment in message.get("attachments") or []:
        if attachment.get("contentType") != cards.CARD_CONTENT_TYPE:
            continue
        content = attachment.get("content")
        try:
            found.append(json.loads(content) if isinstance(content, str) else content)
        except ValueError:
            continue  # not JSON: not a card we sent
    return found


def matches(message: dict[str, Any], activity: dict[str, Any]) -> bool:
    """True when `message` (a Graph chatMessage) is a post of `activity`."""
    if message.get("deletedDateTime"):
        return False
    sent = [a["content"] for a in activity.get("attachments") or []]
    if sent:
        return _cards_of(message) == sent
    body = (message.get("body") or {}).get("content") or ""
    return not _cards_of(message) and plain(str(body)) == plain(str(activity.get("text", "")))
