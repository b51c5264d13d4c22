"""What Teams activities teach swarmbot about where and as whom to post, kept across restarts.

A conversation id alone does not say where to post: that is the regional serviceUrl, and
creating a conversation (a swarm thread, a 1:1 chat) also needs the tenant and the bot's own
account. All of it arrives on incoming activities. `Directory` keeps it in memory for the hot
path and writes it through to the store's platform references (`refs`: (platform, kind,
key) -> JSON) only when a reference is new or changed, so that after a restart the bot can
post proactively (a swarm thread, a handoff offer by 1:1 chat) before Teams has sent it
anything.

The store is never read or written on the event loop: what reads or writes it is async and
runs the store's part on a thread (`offload`, asyncio.to_thread unless set), so a slow or
stopped database holds up no other request. Names are read from memory while a card is
rendered; `rendered` looks up the names memory lacks first, on a thread, and renders again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from botbuilder.schema import Activity

from bot.domain import utcnow
from bot.errors import PortError

Ref = tuple[str, str | None, str | None]  # (service_url, tenant_id, bot_id)
T = TypeVar("T")
# Runs a store call on a thread and awaits it (asyncio.to_thread's shape).
Offload = Callable[..., Awaitable[Any]]


class RefStore(Protocol):
    """The store's platform references (bot.store.interfaces.PlatformRefs), as used here."""

    def put(self, platform: str, kind: str, key: str, value: dict[str, Any], at: str
            ) -> None: ...

    def get(self, platform: str, kind: str, key: str) -> dict[str, Any] | None: ...

    def latest(self, platform: str, kind: str) -> dict[str, Any] | None: ...


PLATFORM = "teams"
# The kinds of reference kept: a conversation's {service_url, tenant_id, bot_id, room_name,
# first_post (a thread opened by its case's brief: the root post's id)};
# a room created by swarmbot, by name: {conversation_id}; a person's 1:1 chat: {conversation_id}.
CONVERSATION, ROOM, DM = "conversation", "room", "dm"


def _base(conversation_id: str) -> str:
    """A thread's channel: every thread in a channel shares its reference."""
    return conversation_id.split(";")[0]


@dataclass
class Directory:
    service_urls: dict[str, str] = field(default_factory=dict)  # conversation id -> url
    default_service_url: str | None = None
    tenant_id: str | None = None
    bot: dict[str, str] | None = None  # the bot's own account, {"id": "28:...", "name"}
    names: dict[str, str] = field(default_factory=dict)
    # Falls back to the store's names (set by the endpoint once the core exists).
    fallback: Callable[[str], str | None] | None = None
    # The store's references, once the core exists (add_teams_routes); None keeps everything
    # in memory. `case_room` finds a room recorded only on its case (made before references).
    refs: RefStore | None = None
    case_room: Callable[[str], str | None] | None = None
    now: Callable[[], str] = field(default=lambda: utcnow().isoformat(), repr=False)
    direct: dict[str, str] = field(default_factory=dict)  # user id -> 1:1 conversation id
    first_posts: dict[str, str] = field(default_factory=dict)  # thread -> the post opening it
    offload: Offload = field(default=asyncio.to_thread, repr=False)
    _stored: dict[str, Ref] = field(default_factory=dict, init=False, repr=False)
    _defaults_read: bool = field(default=False, init=False, repr=False)

    async def _off(self, call: Callable[..., T], *args: Any) -> T:
        """A store call, on a thread (never on the event loop)."""
        result: T = await self.offload(call, *args)
        return result

    # -- learning from activities (every turn: memory compares, rare writes) -----------

    async def learn(self, activity: Activity) -> None:
        conv = activity.conversation
        if activity.service_url:
            self.default_service_url = activity.service_url
        tenant = (conv.tenant_id if conv is not None else None) or \
            ((activity.channel_data or {}).get("tenant") or {}).get("id")
        if tenant:
            self.tenant_id = tenant
        if activity.recipient is not None and activity.recipient.id:
            self.bot = {"id": activity.recipient.id, "name": activity.recipient.name or ""}
        sender = activity.from_property
        if sender is not None and sender.id and sender.name:
            self.names[sender.id] = sender.name
        for entity in activity.entities or []:
            if entity.type == "mention":
                mentioned = entity.additional_properties.get("mentioned") or {}
                if mentioned.get("id") and mentioned.get("name"):
                    self.names[mentioned["id"]] = mentioned["name"]
        if conv is not None and conv.id and activity.service_url:
            self.service_urls[conv.id] = activity.service_url
            await self.remember(_base(conv.id), activity.service_url)
            if conv.conversation_type == "personal" and sender is not None and sender.id:
                await self.remember_direct(sender.id, conv.id)

    async def remember(self, conversation_id: str, service_url: str,
                       room_name: str | None = None, first_post: str | None = None) -> None:
        """Record a conversation's reference; the store is written only when it changed.
        `first_post`: a room swarmbot opened with a post (the case brief), that post's id."""
        self.service_urls[conversation_id] = service_url
        if first_post:
            self.first_posts[conversation_id] = first_post
        if self.refs is None:
            return
        ref: Ref = (service_url, self.tenant_id, self.bot["id"] if self.bot else None)
        if room_name is None and self._stored.get(conversation_id) == ref:
            return
        await self._off(self._store_conversation, conversation_id, ref, room_name, first_post)
        self._stored[conversation_id] = ref

    def _store_conversation(self, conversation_id: str, ref: Ref, room_name: str | None,
                            first_post: str | None) -> None:
        """On a thread: the reference written, unless the store has it as it is (first
        sight since start-up of a conversation recorded before)."""
        assert self.refs is not None
        if room_name is None and conversation_id not in self._stored:
            row = self.refs.get(PLATFORM, CONVERSATION, conversation_id)
            if row is not None and (row["service_url"], row["tenant_id"], row["bot_id"]) == ref:
                return
        self._put_conversation(conversation_id, ref, room_name, first_post)

    def _put_conversation(self, conversation_id: str, ref: Ref, room_name: str | None,
                          first_post: str | None = None) -> None:
        """Write a reference; what this activity does not say (None) keeps what was recorded."""
        assert self.refs is not None
        at = self.now()
        old = self.refs.get(PLATFORM, CONVERSATION, conversation_id) or {}
        service_url, tenant_id, bot_id = ref
        row = {"service_url": service_url, "tenant_id": tenant_id or old.get("tenant_id"),
               "bot_id": bot_id or old.get("bot_id"),
               "room_name": room_name or old.get("room_name")}
        if first_post or old.get("first_post"):
            row["first_post"] = first_post or old.get("first_post")
        self.refs.put(PLATFORM, CONVERSATION, conversation_id, row, at)
        if room_name:
            self.refs.put(PLATFORM, ROOM, room_name, {"conversation_id": conversation_id}, at)

    async def remember_direct(self, user_id: str, conversation_id: str) -> None:
        if self.direct.get(user_id) == conversation_id:
            return
        self.direct[user_id] = conversation_id
        if self.refs is not None:
            await self._off(self._store_direct, user_id, conversation_id)

    def _store_direct(self, user_id: str, conversation_id: str) -> None:
        if self.refs is not None and self._stored_direct(user_id) != conversation_id:
            self.refs.put(PLATFORM, DM, user_id, {"conversation_id": conversation_id},
                          self.now())

    def _stored_direct(self, user_id: str) -> str | None:
        row = self.refs.get(PLATFORM, DM, user_id) if self.refs is not None else None
        return str(row["conversation_id"]) if row is not None else None

    # -- reading (memory first, then the store, on a thread) ---------------------------

    def name(self, user_id: str) -> str | None:
        """From memory only (what activities and the roster taught): see `rendered`."""
        return self.names.get(user_id)

    async def rendered(self, render: Callable[[Callable[[str], str | None]], T]) -> T:
        """`render(names)`, with the names of people memory does not know looked up in the
        store (`fallback`) first, on a thread: rendering never waits on the database."""
        missing: list[str] = []

        def known(user_id: str) -> str | None:
            found = self.names.get(user_id)
            if found is None:
                missing.append(user_id)
            return found
        out = render(known)
        if not missing or self.fallback is None:
            return out
        fallback = self.fallback
        stored = await self._off(lambda: {u: fallback(u) for u in dict.fromkeys(missing)})
        return render(lambda u: self.names.get(u) or stored.get(u))

    def _read_defaults(self) -> None:
        """On a thread, after a restart, before any activity: the latest stored
        reference's values."""
        if self._defaults_read or self.refs is None:
            return
        row = self.refs.latest(PLATFORM, CONVERSATION)
        self._defaults_read = True
        if row is None:
            return
        self.default_service_url = self.default_service_url or row["service_url"]
        self.tenant_id = self.tenant_id or row["tenant_id"]
        if self.bot is None and row["bot_id"]:
            self.bot = {"id": row["bot_id"], "name": ""}

    async def _defaults(self) -> None:
        if not self._defaults_read and self.refs is not None:
            await self._off(self._read_defaults)

    def _stored_conversation(self, conversation_id: str) -> dict[str, Any] | None:
        assert self.refs is not None
        return self.refs.get(PLATFORM, CONVERSATION, conversation_id) or \
            self.refs.get(PLATFORM, CONVERSATION, _base(conversation_id))

    async def service_url(self, conversation_id: str) -> str:
        url = self.service_urls.get(conversation_id) or \
            self.service_urls.get(_base(conversation_id))
        if url is None and self.refs is not None:
            row = await self._off(self._stored_conversation, conversation_id)
            if row is not None:
                url = self.service_urls[conversation_id] = row["service_url"]
                self._stored.setdefault(conversation_id,
                                        (row["service_url"], row["tenant_id"], row["bot_id"]))
        if url is None:
            await self._defaults()
            url = self.default_service_url
        if not url:
            raise PortError("reach Teams", "no Teams activity has reached swarmbot yet, so it "
                            "does not know the Teams service URL: send it a message in Teams "
                            "and try again")
        return url

    async def tenant(self) -> str | None:
        if self.tenant_id is None:
            await self._defaults()
        return self.tenant_id

    async def bot_account(self) -> dict[str, str] | None:
        if self.bot is None:
            await self._defaults()
        return self.bot

    async def direct_conversation(self, user_id: str) -> str | None:
        found = self.direct.get(user_id)
        if found is None and self.refs is not None:
            found = await self._off(self._stored_direct, user_id)
            if found is not None:
                self.direct[user_id] = found
        return found

    async def room_by_name(self, room_name: str) -> str | None:
        """The room swarmbot created with this name, else the one a case recorded."""
        if self.refs is None and self.case_room is None:
            return None
        return await self._off(self._room_by_name, room_name)

    def _room_by_name(self, room_name: str) -> str | None:
        row = self.refs.get(PLATFORM, ROOM, room_name) if self.refs is not None else None
        if row is not None:
            return str(row["conversation_id"])
        return self.case_room(room_name) if self.case_room is not None else None

    async def first_post(self, conversation_id: str) -> str | None:
        """The post that opened a room swarmbot made with one (its brief), else None."""
        found = self.first_posts.get(conversation_id)
        if found is None and self.refs is not None:
            row = await self._off(self.refs.get, PLATFORM, CONVERSATION, conversation_id)
            if row is not None and row.get("first_post"):
                found = self.first_posts[conversation_id] = str(row["first_post"])
        return found

    async def room_name(self, conversation_id: str) -> str | None:
        if self.refs is None:
            return None
        row = await self._off(self.refs.get, PLATFORM, CONVERSATION, conversation_id)
        return row["room_name"] if row is not None else None
