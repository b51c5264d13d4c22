"""Reply -> Block Kit, built with slack_sdk.models.blocks and cut to Slack's limits.

Limits (api.slack.com/reference/block-kit): 50 blocks a message (100 in a modal or the
Home tab), section text 3000 chars, 10 fields a section of 2000 chars each, header 150,
button text 75, button value 2000, action_id 255, 25 elements an actions block.
Everything is clipped here so a long summary never makes Slack refuse a whole message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from adapters.slack import ids
from adapters.slack.text import CONTROL as _CONTROL
from adapters.slack.text import chunks, clip, mrkdwn, slack_mentions
from bot.i18n import _
from bot.people import mentioned
from bot.replies import Button, Reply, Tone

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTONS_PER_BLOCK = 25
FALLBACK_TEXT = 3000

_TONE_MARK = {Tone.INFO: "", Tone.SUCCESS: ":white_check_mark: ",
              Tone.WARNING: ":warning: ", Tone.ERROR: ":x: "}


def button_element(button: Button, index: int) -> ButtonElement:
    prefix = ids.ACTION_FORM if button.needs_input else ids.ACTION_RUN
    style = button.style if button.style in ("primary", "danger") else None
    return ButtonElement(
        text=PlainTextObject(text=clip(button.label, BUTTON_TEXT), emoji=True),
        action_id=ids.action_id(prefix, index),
        value=button.command[:BUTTON_VALUE],
        style=style,
    )


def _mention_line(reply: Reply) -> str:
    named = set(mentioned(reply.text))
    return " ".join(f"<@{u}>" for u in reply.mentions if u not in named)


def reply_blocks(reply: Reply, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    blocks: list[Block] = []
    mark = _TONE_MARK.get(reply.tone, "")
    if reply.title and (_CONTROL.search(reply.title) or mentioned(reply.title)):
        # A header is plain text: a mention in it would show as "<@U123>", so bold mrkdwn.
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=clip(f"*{mrkdwn(reply.title)}*", SECTION_TEXT))))
    elif reply.title:
        blocks.append(HeaderBlock(text=PlainTextObject(
            text=clip(reply.title, HEADER_TEXT), emoji=True)))
    body = mrkdwn(reply.text)
    if mark and body:
        body = mark + body
    for piece in chunks(body, SECTION_TEXT) if body else []:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=piece)))
    fields = [MarkdownTextObject(text=clip(f"*{mrkdwn(f.label)}*\n{mrkdwn(f.value)}", FIELD_TEXT))
              for f in reply.fields]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        blocks.append(SectionBlock(fields=fields[start:start + FIELDS_PER_SECTION]))
    mentions = _mention_line(reply)
    if mentions:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(mentions,
                                                                          SECTION_TEXT))]))
    buttons = [button_element(b, i) for i, b in enumerate(reply.buttons)]
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        blocks.append(ActionsBlock(elements=buttons[start:start + BUTTONS_PER_BLOCK]))
    return cap_blocks(blocks, max_blocks)


def cap_blocks(blocks: list[Block], max_blocks: int) -> list[Block]:
    """Keep at most `max_blocks`, saying so; buttons (the last blocks) are kept first."""
    if len(blocks) <= max_blocks:
        return blocks
    actions = [b for b in blocks if isinstance(b, ActionsBlock)]
    others = [b for b in blocks if not isinstance(b, ActionsBlock)]
    room = max_blocks - len(actions) - 1
    note = ContextBlock(elements=[MarkdownTextObject(text="_" + _("(shortened: too long for Slack)")
                                                      + "_")])
    return others[:max(room, 0)] + [note] + actions[:max_blocks - 1]


def fallback_text(reply: Reply) -> str:
    """The `text` Slack shows in notifications and screen readers."""
    head = f"{slack_mentions(reply.title)}: " if reply.title else ""
    # Mentions go into the text too: notifications are driven by it.
    mentions = _mention_line(reply)
    tail = f" {mentions}" if mentions else ""
    return clip(head + mrkdwn(reply.text), FALLBACK_TEXT - len(tail)) + tail


def message(reply: Reply) -> dict[str, Any]:
    """chat.postMessage / response_url arguments for one reply (a fresh dict each time; its
    blocks are shared and never changed)."""
    return dict(_rendered(reply))


@lru_cache(maxsize=512)
def _rendered(reply: Reply) -> dict[str, Any]:
    # Replies are values (frozen dataclasses): the same reply (`help`, a refusal, a brief
    # posted to several rooms) is rendered once. Through slack_sdk's block models a long
    # reply costs ~0.2 ms, a sixth of a `/swarm help` request's CPU.
    return {"text": fallback_text(reply),
            "blocks": [b.to_dict() for b in reply_blocks(reply)]}
