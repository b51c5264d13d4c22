"""The App Home tab: the swarms you own or are in, those you follow, and a button to open a
case."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack import ids
from adapters.slack.blocks import cap_blocks
from adapters.slack.text import clip, mrkdwn
from bot.domain import Case, severity_label

HOME_BLOCKS = 100  # Slack's limit for the Home tab


def home_view(user_id: str, cases: list[Case], slash: str = "/swarm",
              followed: list[Case] | None = None) -> View:
    blocks: list = [
        HeaderBlock(text=PlainTextObject(text="Your swarms")),
        ActionsBlock(elements=[ButtonElement(
            text=PlainTextObject(text="Open a case"), action_id=ids.action_id(ids.ACTION_FORM, 0),
            value="open", style="primary")]),
    ]
    if not cases:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=f"You're not in any open swarm. Type `{slash} help` anywhere to see what "
                 "swarmbot can do.")))
    for case in cases:
        role = "owner" if case.owner == user_id else "in the swarm"
        where = f" · <#{case.room_id}>" if case.room_id else ""
        line = (f"*{mrkdwn(case.ref)}* {severity_label(case.severity)} · {role}{where}\n"
                f"{mrkdwn(case.summary)}")
        if case.customer:
            line += f"\n_Customer: {mrkdwn(case.customer)}_"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, 3000))))
    watching = [c for c in followed or [] if c.id not in {k.id for k in cases}]
    if watching:
        blocks.append(HeaderBlock(text=PlainTextObject(text="Swarms you follow")))
    for case in watching:
        where = f" · <#{case.room_id}>" if case.room_id else ""
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{mrkdwn(case.ref)}* {severity_label(case.severity)} · following{where}\n"
            f"{mrkdwn(case.summary)}", 3000))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"Buttons are shortcuts for `{slash}` commands; `{slash} list open` shows "
             "every open swarm.")]))
    return View(type="home", blocks=cap_blocks(blocks, HOME_BLOCKS))
