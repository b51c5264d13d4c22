"""Swarm rooms: what opening a case asks of the platform, as outbox rows.

The room, the owner's invitation and the brief are recorded in the command's transaction
and made by the outbox worker after the commit (bot/services/outbox.py), which finds the
room by name before creating it again and looks for the brief before posting it again.
"""

from __future__ import annotations

from bot.domain import Case
from bot.i18n import _, shared
from bot.people import mention
from bot.services import messages
from bot.services.base import Deps, Effects
from bot.services.performers import room_name

__all__ = ["open_room", "room_name"]


def open_room(deps: Deps, case: Case, skills: list[str], effects: Effects) -> None:
    """Queue the swarm room of a new case: created, its owner invited, the brief posted.
    Where the platform sets a room's topic by a call of its own (`topic_apart` on the
    port: Slack), that call is a row of its own too, so it runs beside the others."""
    if getattr(deps.port(case.platform), "topic_apart", False):
        effects._add("create_room", _("create the swarm room"), skills=skills, topic_apart=True)
        with shared():  # the room's topic
            effects.set_topic(messages.topic(case))
    else:
        effects.create_room(skills)
    effects.invite([case.owner], _("invite {who} to the swarm room").format(
        who=mention(case.owner)))
    effects.brief(skills)
