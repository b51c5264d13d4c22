"""The agent's desk as an Adaptive Card 1.5 (issue 25): Teams' counterpart of Slack's App
Home, sent by the bot in the person's chat with it (typing `desk` there, or when the bot is
added to that chat). Each item's buttons sit under it in an ActionSet; every button carries
`desk: true`, so that its answer (adapters/teams/bot.py) is the desk again, as the press
left it, under the press's own replies."""

from __future__ import annotations

from typing import Any

from adapters.teams.cards import Card, Names, button_action, card, plain
from bot.i18n import _
from bot.replies import Button
from bot.services.desk import Desk, DeskItem, DeskSection

DESK_FLAG = "desk"


def _anonymous(_: str) -> str | None:
    return None


def desk_action(button: Button) -> dict[str, Any]:
    action = button_action(button)
    action["data"] = {**action["data"], DESK_FLAG: True}
    return action


def desk_card(desk: Desk, names: Names = _anonymous,
              above: list[dict[str, Any]] | None = None) -> Card:
    """`above`: card elements shown first (what a button press answered)."""
    state = (_("You're **available**: `need` may suggest you for swarms.") if desk.available
             else _("You're **away**: `need` does not suggest you until you are back."))
    body: list[dict[str, Any]] = list(above or [])
    body += [{"type": "TextBlock", "text": _("Your desk"), "weight": "Bolder", "size": "Medium",
              "wrap": True, "separator": bool(above)},
             {"type": "TextBlock", "text": state, "wrap": True, "isSubtle": True}]
    for section in desk.sections:
        body += _section(section, names)
    return card(body, [desk_action(desk.open_case), desk_action(desk.toggle)],
                fallback=_("Your desk"))


def _section(section: DeskSection, names: Names) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"type": "TextBlock", "text": section.title,
                                  "weight": "Bolder", "wrap": True, "separator": True}]
    if not section.items:
        return out + [{"type": "TextBlock", "text": section.empty, "isSubtle": True,
                       "wrap": True, "spacing": "None"}]
    out += [_item(item, names) for item in section.items]
    if section.more:
        out.append({"type": "TextBlock", "text": _("… and {more} more").format(
                    more=section.more),
                    "isSubtle": True, "wrap": True})
    return out


def _item(item: DeskItem, names: Names) -> dict[str, Any]:
    head, _sep, rest = item.text.partition("\n")
    items: list[dict[str, Any]] = [{"type": "TextBlock", "text": plain(head, names),
                                    "weight": "Bolder", "wrap": True}]
    if rest:
        items.append({"type": "TextBlock", "text": plain(rest, names), "wrap": True,
                      "spacing": "None"})
    if item.buttons:
        items.append({"type": "ActionSet", "actions": [desk_action(b) for b in item.buttons]})
    return {"type": "Container", "items": items}
