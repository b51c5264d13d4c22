"""Slack payloads -> the core's deliveries. Translation only: no rule, no store.

`kind_of` and `key_of` (in `inbox`) say what a request is and what identifies it; this says
what it means: a typed command, a button, a submitted form, someone in a room.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from adapters.slack import ids
from adapters.slack.modals import submitted
from adapters.slack.text import command_text
from adapters.slack.workspaces import workspace_of
from handlers.delivery import Delivery, Pressed, RoomEvent, Sender, Shared, Typed, Workspace

SOURCE = "slack"
# Message subtypes that are somebody contributing (not joins, topic changes, bots).
_COUNTED_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
_SHARING = ("channel_shared", "channel_unshared")
_ROOM_EVENTS: dict[str, Literal["joined", "left", "posted", "edited"]] = {
    "member_joined_channel": "joined", "member_left_channel": "left", "message": "posted"}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def delivery_of(kind: str, body: dict[str, Any], key: str,
                bot_user_id: str | None = None) -> Delivery | None:
    """The delivery a request carries (with its workspace), or None when it asks nothing
    of the core."""
    found = _delivery_of(kind, body, key, bot_user_id)
    if found is None:
        return None
    enterprise, team = workspace_of(body)
    return replace(found, workspace=Workspace(team or "", enterprise or "")) \
        if team or enterprise else found


def _delivery_of(kind: str, body: dict[str, Any], key: str,
                 bot_user_id: str | None) -> Delivery | None:
    if kind == "command":
        return Delivery(source=SOURCE, key=key, room=_str(body.get("channel_id")) or None,
                        sender=Sender(_str(body.get("user_id")),
                                      _str(body.get("user_name")) or None),
                        what=Typed(command_text(_str(body.get("text")))))
    user = _dict(body.get("user"))
    sender = Sender(_str(user.get("id")), _str(user.get("username")) or None)
    if kind == "action":
        where = _str(_dict(body.get("channel")).get("id")) or None
        for raw in body.get("actions") or []:
            action = _dict(raw)
            prefix = _str(action.get("action_id")).split(":")[0]
            if prefix in (ids.ACTION_RUN, ids.ACTION_FORM):
                return Delivery(source=SOURCE, key=key, sender=sender, room=where,
                                what=Pressed(_str(action.get("value"))))
        return None
    if kind == "view":
        view = _dict(body.get("view"))
        form, from_room = submitted(view)
        return Delivery(source=SOURCE, key=key, sender=sender, room=from_room, what=form)
    if kind == "event":
        event = _dict(body.get("event"))
        if event.get("type") in _SHARING:
            return _sharing(event, key)
        what = _ROOM_EVENTS.get(_str(event.get("type")))
        who, channel = _str(event.get("user")), _str(event.get("channel"))
        if what == "posted" and event.get("subtype") == "message_changed":
            return _edited(event, key, bot_user_id)
        if what == "posted" and event.get("subtype") == "message_deleted":
            return _deleted(event, key, bot_user_id)
        if what is None or not who or not channel or (bot_user_id and who == bot_user_id):
            return None
        if what == "posted" and (event.get("bot_id")
                                 or event.get("subtype") not in _COUNTED_SUBTYPES):
            return None
        return Delivery(source=SOURCE, key=key, sender=Sender(who), room=channel,
                        what=RoomEvent(what, (channel,), *_said(event)))
    return None


def _sharing(event: dict[str, Any], key: str) -> Delivery | None:
    """channel_shared / channel_unshared: the room, and the workspace (or org) it is now
    shared with or no longer."""
    shared = event.get("type") == "channel_shared"
    channel = _str(event.get("channel"))
    team = _str(event.get("connected_team_id" if shared else "previously_connected_team_id"))
    if not channel or not team:
        return None
    return Delivery(source=SOURCE, key=key, sender=Sender(team), room=channel,
                    what=Shared(channel, team, shared))


def _said(message: dict[str, Any]) -> tuple[str, str]:
    """A message's text (mentions as tokens, files as links) and its ts."""
    links = [_str(_dict(f).get("permalink")) for f in message.get("files") or []]
    text = " ".join([command_text(_str(message.get("text"))), *filter(None, links)])
    return text.strip(), _str(message.get("ts"))


def _edited(event: dict[str, Any], key: str, bot_user_id: str | None) -> Delivery | None:
    """A message edited in a channel (subtype message_changed): the message as it is now."""
    message = _dict(event.get("message"))
    who, channel = _str(message.get("user")), _str(event.get("channel"))
    if not who or not channel or message.get("bot_id") or who == bot_user_id:
        return None
    return Delivery(source=SOURCE, key=key, sender=Sender(who), room=channel,
                    what=RoomEvent("edited", (channel,), *_said(message)))


def _deleted(event: dict[str, Any], key: str, bot_user_id: str | None) -> Delivery | None:
    """A message deleted in a channel (subtype message_deleted): which one, and whose."""
    before = _dict(event.get("previous_message"))
    who, channel = _str(before.get("user")), _str(event.get("channel"))
    ts = _str(event.get("deleted_ts")) or _str(before.get("ts"))
    if not who or not channel or not ts or before.get("bot_id") or who == bot_user_id:
        return None
    return Delivery(source=SOURCE, key=key, sender=Sender(who), room=channel,
                    what=RoomEvent("deleted", (channel,), "", ts))
