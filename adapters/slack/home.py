"""The App Home tab: the agent's desk (issue 25). Offers waiting for you (Accept, Decline),
promises due today (Kept), open nudges, help requests for your skills (Join), your swarms
and those you follow, and an away/back toggle. Every button is a `/swarm` command (its
value), run through the one door like any other button; after a press from the Home tab
the tab is published again (adapters/slack/dispatch.py)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.blocks import button_element, cap_blocks
from adapters.slack.text import clip, mrkdwn
from bot.i18n import _
from bot.services.desk import Desk, DeskItem, DeskSection

HOME_BLOCKS = 100  # Slack's limit for the Home tab
MAX_BUTTONS = 5  # per item (an actions block holds 25)


def home_view(desk: Desk, slash: str = "/swarm") -> View:
    state = (_("You're *available*: `need` may suggest you for swarms.") if desk.available
             else _("You're *away*: `need` does not suggest you until you are back."))
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_("Your desk"))),
        SectionBlock(text=MarkdownTextObject(text=state)),
        ActionsBlock(elements=[button_element(desk.open_case, 0),
                               button_element(desk.toggle, 1)]),
    ]
    for section in desk.sections:
        blocks += _section(section)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=_("Buttons are shortcuts for `{slash}` commands; `{slash} list open` shows "
               "every open swarm.").format(slash=slash))]))
    return View(type="home", blocks=cap_blocks(blocks, HOME_BLOCKS))


def _section(section: DeskSection) -> list[Block]:
    out: list[Block] = [DividerBlock(), HeaderBlock(text=PlainTextObject(
        text=clip(section.title, 150)))]
    if not section.items:
        return out + [ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(section.empty))])]
    for item in section.items:
        out += _item(item)
    if section.more:
        out.append(ContextBlock(elements=[MarkdownTextObject(
            text=_("… and {more} more").format(more=section.more))]))
    return out


def _item(item: DeskItem) -> list[Block]:
    head, _sep, rest = item.text.partition("\n")
    where = f" · <#{item.room_id}>" if item.room_id else ""
    text = f"*{mrkdwn(head)}*{where}" + (f"\n{mrkdwn(rest)}" if rest else "")
    out: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))]
    if item.buttons:
        out.append(ActionsBlock(elements=[button_element(b, i) for i, b in
                                          enumerate(item.buttons[:MAX_BUTTONS])]))
    return out
