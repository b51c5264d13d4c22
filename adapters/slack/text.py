"""Text in and out of Slack: command text from slash commands, mrkdwn for replies.

Slack escapes `&`, `<` and `>` in user text as entities and uses `<...>` for control
sequences (mentions, channels, links). Incoming text is unescaped outside `<...>` and user
mentions become the core's neutral tokens (`bot.people`). Outgoing text is escaped again,
the core's tokens become `<@U123>`, and control sequences in the text are kept.
"""

from __future__ import annotations

import re

from bot.people import mention, render_mentions

# <@U123>, <@U123|name>, <#C123|name>, <!here>, <https://...|label>
CONTROL = re.compile(r"<[@#!][^<>\s]*(?:\|[^<>]*)?>|<https?://[^<>\s]+(?:\|[^<>]*)?>")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_text(raw: str) -> str:
    """Slash command / message text -> command text for the core."""
    out: list[str] = []
    pos = 0
    for m in CONTROL.finditer(raw):
        out.append(_unescape(raw[pos:m.start()]))
        user = _USER_MENTION.fullmatch(m.group(0))
        out.append(mention(user.group(1)) if user else m.group(0))
        pos = m.end()
    out.append(_unescape(raw[pos:]))
    return "".join(out).strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mentions(text: str) -> str:
    """The core's person tokens as Slack's `<@U123>`."""
    return render_mentions(text, lambda pid: f"<@{pid}>")


def mrkdwn(text: str) -> str:
    """Core text -> Slack mrkdwn: escape everything but mentions, channels and links."""
    text = slack_mentions(text)
    out: list[str] = []
    pos = 0
    for m in CONTROL.finditer(text):
        out.append(_escape(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def clip(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, marking the cut, never splitting a `<...>` sequence."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    # Do not leave half a control sequence or half an entity behind.
    opening = text.rfind("<", 0, cut)
    if opening != -1 and text.find(">", opening) >= cut:
        cut = opening
    amp = text.rfind("&", 0, cut)
    if amp != -1 and ";" not in text[amp:cut] and cut - amp < 6:
        cut = amp
    return text[:cut] + "…"


def chunks(text: str, limit: int) -> list[str]:
    """Split long text at line ends (else spaces) into pieces of at most `limit` chars."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        # Never split inside a control sequence.
        opening = rest.rfind("<", 0, cut)
        if opening > 0 and rest.find(">", opening) >= cut:
            cut = opening
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces
