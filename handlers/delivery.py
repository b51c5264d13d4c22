"""What an adapter hands to the core: who did what, where, as platform-neutral values.

A `Delivery` is one request from a platform (a typed command, a button press, a submitted
form, someone joining or leaving a room, a helpdesk's ticket), translated by the adapter:
people already as mention tokens (`bot.people`), form fields as values. It is written to the
one inbox before the platform is answered, so it is serialisable to JSON and back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from bot.helpdesk import Ticket


@dataclass(frozen=True)
class Sender:
    id: str  # the platform's user id (in the shell, the name typed after @)
    name: str | None = None
    tz: str | None = None  # IANA zone, for "promise 17:00"
    # The platform's locale tag ("de-DE"): the language of the replies (bot/i18n.py). Rows
    # written before it have none: the deployment's language.
    locale: str | None = None


@dataclass(frozen=True)
class Typed:
    """A command typed by a person: the text after the slash command or the bot's name."""

    text: str


@dataclass(frozen=True)
class Pressed:
    """A button: `command` is the button's canonical command (`join ZD-1`), never user text."""

    command: str


@dataclass(frozen=True)
class Submitted:
    """A form sent back: field values by field name, and the values the form carried."""

    command: str  # the canonical command of the form, e.g. "open"
    values: dict[str, str] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RoomEvent:
    """Someone joined, left or wrote in a room. `rooms` are the ids the event could be about,
    most specific first (a Teams channel and its conversation)."""

    kind: Literal["joined", "left", "posted", "edited", "deleted"]
    rooms: tuple[str, ...]
    # A message posted, edited or deleted: its text (people as tokens; none for a deletion)
    # and the platform's id for it, which the bridge mirrors where [bridge]
    # mirror_messages is on (issue 29).
    text: str = ""
    message: str = ""


@dataclass(frozen=True)
class Ticketed:
    """A helpdesk's webhook asking for a swarm for its ticket, to open on `platform`. The
    helpdesk's intake runs it (handlers/helpdesk.py: the owner looked up by email, then
    `open`), not `Entrance.process`: nobody typed it."""

    ticket: Ticket
    platform: str  # the chat platform the swarm opens on: "slack" | "teams" | "shell"


@dataclass(frozen=True)
class Shared:
    """A room shared with another workspace (`shared`), or no longer (Slack's
    channel_shared / channel_unshared on Enterprise Grid): `workspace` is the team, or the
    org's enterprise id for the whole org (docs/slack-oauth.md)."""

    room: str
    workspace: str
    shared: bool


What = Typed | Pressed | Submitted | RoomEvent | Ticketed | Shared
_KINDS: dict[str, type] = {"typed": Typed, "pressed": Pressed, "submitted": Submitted,
                           "room_event": RoomEvent, "ticket": Ticketed, "shared": Shared}
_KIND_OF: dict[type, str] = {t: k for k, t in _KINDS.items()}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _flat(value: object) -> dict[str, Any]:
    """A dataclass of plain values (str, None, tuples of str, dicts of str) as a dict: what
    `asdict` gives for such a value, without its deep copy (dicts are copied, one level)."""
    names = _FIELDS.get(type(value))
    if names is None:
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))  # type: ignore[arg-type]
    out = {n: getattr(value, n) for n in names}
    for n, v in out.items():
        if isinstance(v, dict):
            out[n] = dict(v)
    return out


@dataclass(frozen=True)
class Workspace:
    """Where on its platform a delivery comes from: a Slack workspace (`team_id`; on
    Enterprise Grid also its org, `enterprise_id`). With several workspaces served, the
    delivery runs with its workspace in scope (bot/tenancy.py, docs/slack-oauth.md)."""

    team_id: str
    enterprise_id: str = ""


@dataclass(frozen=True)
class Delivery:
    source: str  # the platform: "shell" | "slack" | "teams" | "helpdesk:<name>"
    sender: Sender
    what: What
    room: str | None = None  # where it happened; a swarm room makes the case implicit
    # The inbox key: the platform's own id for the delivery (Slack event_id, Teams activity
    # id) or a hash of the request; None for what is not worth recording (a read in the shell).
    key: str | None = None
    workspace: Workspace | None = None

    def to_json(self, keep_words: bool = False) -> str:
        """`keep_words`: a chat message's words are kept (only while the bridge mirrors
        them, handlers/bridge.py); else never."""
        kind = _KIND_OF[type(self.what)]
        # Flat values read field by field (`asdict` deep-copies: ~4% of a Slack `help`'s
        # CPU); a ticket nests its own dataclass, so it keeps `asdict`. The same JSON.
        what = asdict(self.what) if kind == "ticket" else _flat(self.what)
        if kind == "room_event" and not keep_words:
            what.pop("text", None)
            what.pop("message", None)
        data = {"source": self.source, "sender": _flat(self.sender), "kind": kind,
                "what": what, "room": self.room, "key": self.key}
        if self.workspace is not None:
            data["workspace"] = _flat(self.workspace)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Delivery:
        data: dict[str, Any] = json.loads(text)
        what = dict(data["what"])
        if data["kind"] == "room_event":
            what["rooms"] = tuple(what["rooms"])
        elif data["kind"] == "ticket":
            fields = dict(what["ticket"])
            what["ticket"] = Ticket(**{**fields, "tags": tuple(fields.get("tags") or ())})
        return cls(source=data["source"], sender=Sender(**data["sender"]),
                   what=_KINDS[data["kind"]](**what), room=data.get("room"),
                   key=data.get("key"),
                   workspace=Workspace(**data["workspace"]) if data.get("workspace")
                   else None)
