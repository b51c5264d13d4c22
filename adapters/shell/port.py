"""Simulated rooms for the shell: every post is printed with the room it went to.

The shell has no platform behind it, so this port *is* the platform: it keeps the rooms
it made (names stay unique, as a workspace's channel names do) and prints each operation
as a line a person reads. Nothing is recorded for inspection: tests read the printed lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.shell.render import render
from bot.ports import Room
from bot.replies import Reply

# Room names are capped like Slack's (80 characters): the suffix that makes one unique
# replaces the end of a long name rather than making it longer.
_NAME_ROOM = 76


def _silent(line: str) -> None:
    """Where a caller that runs commands but shows no rooms (the demo) sends room lines."""


@dataclass
class ShellChatPort:
    platform: str = "shell"
    triage_room: str | None = "swarm-triage"
    room_prefix: str = "swarm"
    slash: str = "/swarm"
    out: Callable[[str], None] = print
    # Rooms from earlier runs (their names live in the database); set after the core is
    # built, since the store is what knows them.
    known_rooms: set[str] = field(default_factory=set)
    rooms: dict[str, Room] = field(default_factory=dict)
    # Counts every room operation, so each posted message gets an id of its own.
    _operations: int = field(default=0, init=False, repr=False)

    @classmethod
    def silent(cls, triage_room: str | None = "swarm-triage") -> ShellChatPort:
        """Rooms kept, nothing printed: for running commands nobody watches (the demo)."""
        return cls(triage_room=triage_room, out=_silent)

    def _free_name(self, name: str) -> str:
        # Rooms from earlier runs keep their names taken (and become findable) from the
        # first room made in this run on, as before the port stood on its own.
        for known in self.known_rooms:
            self.rooms.setdefault(known, Room(known, known))
        # A shell room's id is its name, so the dict's keys are the names taken.
        if name not in self.rooms:
            return name
        n = 2
        while f"{name[:_NAME_ROOM]}-{n}" in self.rooms:
            n += 1
        return f"{name[:_NAME_ROOM]}-{n}"

    def _done(self) -> str:
        self._operations += 1
        return str(self._operations)

    def _quiet(self) -> bool:
        # Rendering costs more than the command for the demo's half a million posts.
        return self.out is _silent

    def _say(self, where: str, reply: Reply) -> None:
        if self._quiet():
            return
        lines = render(reply, self.slash)
        self.out(f"[{where}] swarmbot: {lines[0]}")
        for line in lines[1:]:
            self.out(f"    {line}")

    def _topic_line(self, topic: str) -> str:
        return render(Reply(text=topic), "")[0]

    async def create_room(self, name: str, topic: str) -> Room:
        room_name = self._free_name(name)
        room = Room(id=room_name, name=room_name)
        self.rooms[room.id] = room
        self._done()
        if not self._quiet():
            self.out(f"[#{room.name}] (room created; topic: {self._topic_line(topic)})")
        return room

    async def find_room(self, name: str) -> Room | None:
        return self.rooms.get(name)

    async def invite(self, room_id: str, user_ids: list[str]) -> None:
        self._done()
        self.out(f"[#{room_id}] (added {', '.join('@' + u for u in user_ids)})")

    async def post(self, room_id: str, reply: Reply) -> str:
        message_id = self._done()
        self._say(f"#{room_id}", reply)
        return message_id

    async def direct_message(self, user_id: str, reply: Reply) -> None:
        self._done()
        self._say(f"DM @{user_id}", reply)

    async def update_message(self, room_id: str, message_id: str, reply: Reply) -> None:
        self._done()
        if not self._quiet():
            self.out(f"[#{room_id}] (brief updated: {render(reply, self.slash)[0]})")

    async def archive(self, room_id: str) -> None:
        self._done()
        self.out(f"[#{room_id}] (room archived)")

    async def set_topic(self, room_id: str, topic: str) -> None:
        self._done()
        if not self._quiet():
            self.out(f"[#{room_id}] (topic: {self._topic_line(topic)})")
