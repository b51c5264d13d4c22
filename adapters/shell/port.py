"""Simulated rooms for the shell: every post is printed with the room it went to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.shell.render import render
from bot.fake_port import FakeChatPort
from bot.ports import Room
from bot.replies import Reply


@dataclass
class ShellChatPort(FakeChatPort):
    platform: str = "shell"
    triage_room: str | None = "swarm-triage"
    slash: str = "/swarm"
    out: Callable[[str], None] = print
    known_rooms: set[str] = field(default_factory=set)

    def _free_name(self, name: str) -> str:
        # Rooms from earlier runs live in the database; their names stay taken.
        for n in self.known_rooms:
            self.rooms.setdefault(n, Room(n, n))
        return super()._free_name(name)

    def _say(self, where: str, reply: Reply) -> None:
        lines = render(reply, self.slash)
        self.out(f"[{where}] swarmbot: {lines[0]}")
        for line in lines[1:]:
            self.out(f"    {line}")

    async def create_room(self, name: str, topic: str) -> Room:
        room = await super().create_room(name, topic)
        self.out(f"[#{room.name}] (room created; topic: {render(Reply(text=topic), '')[0]})")
        return room

    async def invite(self, room_id: str, user_ids: list[str]) -> None:
        await super().invite(room_id, user_ids)
        self.out(f"[#{room_id}] (added {', '.join('@' + u for u in user_ids)})")

    async def post(self, room_id: str, reply: Reply) -> str:
        message_id = await super().post(room_id, reply)
        self._say(f"#{room_id}", reply)
        return message_id

    async def direct_message(self, user_id: str, reply: Reply) -> None:
        await super().direct_message(user_id, reply)
        self._say(f"DM @{user_id}", reply)

    async def update_message(self, room_id: str, message_id: str, reply: Reply) -> None:
        await super().update_message(room_id, message_id, reply)
        self.out(f"[#{room_id}] (brief updated: {render(reply, self.slash)[0]})")

    async def archive(self, room_id: str) -> None:
        await super().archive(room_id)
        self.out(f"[#{room_id}] (room archived)")

    async def set_topic(self, room_id: str, topic: str) -> None:
        await super().set_topic(room_id, topic)
        self.out(f"[#{room_id}] (topic: {render(Reply(text=topic), '')[0]})")
