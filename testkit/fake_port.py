"""An in-memory ChatPort: what tests use in place of a platform (it records what was sent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.errors import PortError
from bot.ports import Room
from bot.replies import Reply


@dataclass
class Sent:
    action: str
    target: str
    reply: Reply | None = None
    users: tuple[str, ...] = ()
    text: str = ""


@dataclass
class FakeChatPort:
    platform: str = "fake"
    triage_room: str | None = "triage"
    room_prefix: str = "swarm"
    rooms: dict[str, Room] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    # Actions that should fail, e.g. {"invite": "cant_invite"}: lets tests see failures told.
    failing: dict[str, str] = field(default_factory=dict)

    def _check(self, action: str) -> None:
        if action in self.failing:
            raise PortError(action, self.failing[action])

    def _free_name(self, name: str) -> str:
        taken = {r.name for r in self.rooms.values()}
        if name not in taken:
            return name
        n = 2
        while f"{name[:76]}-{n}" in taken:
            n += 1
        return f"{name[:76]}-{n}"

    async def create_room(self, name: str, topic: str) -> Room:
        self._check("create_room")
        room_name = self._free_name(name)
        room = Room(id=room_name, name=room_name)
        self.rooms[room.id] = room
        self.members[room.id] = set()
        self.topics[room.id] = topic
        self.sent.append(Sent("create_room", room.id, text=topic))
        return room

    async def find_room(self, name: str) -> Room | None:
        self._check("find_room")
        return next((r for r in self.rooms.values() if r.name == name), None)

    async def invite(self, room_id: str, user_ids: list[str]) -> None:
        self._check("invite")
        self.members.setdefault(room_id, set()).update(user_ids)
        self.sent.append(Sent("invite", room_id, users=tuple(user_ids)))

    async def post(self, room_id: str, reply: Reply) -> str:
        self._check("post")
        self.sent.append(Sent("post", room_id, reply=reply))
        return str(len(self.sent))

    async def direct_message(self, user_id: str, reply: Reply) -> None:
        self._check("direct_message")
        self.sent.append(Sent("dm", user_id, reply=reply))

    async def archive(self, room_id: str) -> None:
        self._check("archive")
        self.archived.add(room_id)
        self.sent.append(Sent("archive", room_id))

    async def set_topic(self, room_id: str, topic: str) -> None:
        self._check("set_topic")
        self.topics[room_id] = topic
        self.sent.append(Sent("set_topic", room_id, text=topic))

    async def update_message(self, room_id: str, message_id: str, reply: Reply) -> None:
        self._check("update_message")
        self.sent.append(Sent("update", room_id, reply=reply, text=message_id))

    def posts_to(self, target: str) -> list[Reply]:
        return [s.reply for s in self.sent if s.target == target and s.reply is not None]
