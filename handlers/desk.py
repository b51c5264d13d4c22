"""desk: what waits for you (issue 25). The same read feeds Slack's App Home and Teams'
personal card (adapters render the `Desk` whole); typed anywhere, it answers in text with
a reply per section that has something in it, each with its items' buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.replies import Reply
from bot.services.base import Deps
from bot.services.desk import Desk, desk_for
from handlers.parsing import Args
from handlers.registry import Ctx, command

MAX_BUTTONS = 6  # per reply: a text desk points at the App Home / personal card for more


@dataclass(frozen=True)
class ShowDesk:
    pass


def read(deps: Deps, person: str) -> Desk:
    """The desk of `person` (on a unit thread: it reads the store)."""
    return desk_for(deps, person)


def parse_desk(ctx: Ctx, args: Args) -> ShowDesk:
    if args.rest():
        raise ctx.bad(_("takes no words"))
    return ShowDesk()


@command("desk", "", N_("What waits for you: offers, promises due today, nudges, help wanted "
                        "for your skills, your swarms."), parse=parse_desk, case="none",
         who="anyone", reads_only=True,
         details=N_("Slack shows the same on swarmbot's Home tab, Teams in a card in your "
                    "chat with the bot; each item has its button (Accept, Kept, Join…)."))
def desk(ctx: Ctx, cmd: ShowDesk) -> list[Reply]:
    shown = desk_for(ctx.deps, ctx.actor.id)
    replies = []
    for section in shown.sections:
        if not section.items:
            continue
        lines = [f"• {item.text.replace(chr(10), ' — ')}" for item in section.items]
        if section.more:
            lines.append(_("… and {more} more").format(more=section.more))
        buttons = tuple(b for item in section.items for b in item.buttons)[:MAX_BUTTONS]
        replies.append(Reply(title=section.title, text="\n".join(lines), buttons=buttons))
    state = _("available for swarms") if shown.available else \
        _("away (not suggested for swarms)")
    replies.append(Reply(text=_("You are {state}.").format(state=state) if replies else
                         _("Nothing waits for you. You are {state}.").format(state=state),
                         buttons=(shown.toggle,)))
    return replies


COMMANDS = [desk]
