"""The chat port: the few room operations the core needs from a platform.

Each adapter implements it (Slack channels, Teams threads/channels, simulated shell
rooms); the in-memory one for tests and benchmarks lives outside the shipped package, in
`testkit/fake_port.py`. Methods raise `bot.errors.PortError` when the platform refuses;
the core tells the user and records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.replies import Reply
from bot.tenancy import Tenant


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    # The id of the post that made the room, where making it posted one (RoomsOpenWithPost).
    first_post: str | None = None


class ChatPort(Protocol):
    platform: str
    triage_room: str | None  # where `need` posts help requests; None: nobody is asked
    room_prefix: str  # swarm rooms are named `<prefix>-<ref>-<summary>`

    async def create_room(self, name: str, topic: str) -> Room:
        """Create a swarm room named `name` (or a free variant of it) and return it."""

    async def find_room(self, name: str) -> Room | None:
        """Look a room up by name: reconciliation uses it to finish a half-done create."""

    async def invite(self, room_id: str, user_ids: list[str]) -> None: ...

    async def post(self, room_id: str, reply: Reply) -> str:
        """Post to a room; return the platform's message id."""

    async def direct_message(self, user_id: str, reply: Reply) -> None: ...

    async def archive(self, room_id: str) -> None: ...

    async def set_topic(self, room_id: str, topic: str) -> None: ...


@runtime_checkable
class WorkspaceSettingsReader(Protocol):
    """Optional port capability: several workspaces served by one deployment, each with
    settings of its own (Slack, docs/slack-oauth.md). `with_settings` gives a workspace's
    tenant its config and triage room (bot/workspace_settings.py), as a delivery from it
    has them: what the scheduler's nudges and a helpdesk's intake run with."""

    @property
    def several_workspaces(self) -> bool: ...

    async def with_settings(self, tenant: Tenant) -> Tenant: ...


@runtime_checkable
class MessageDeleter(Protocol):
    """Optional port capability: delete a message the bot posted (a mirrored chat message
    whose original was deleted, issue 29). "Already gone" counts as done."""

    async def delete_message(self, room_id: str, message_id: str) -> None: ...


@runtime_checkable
class MessageUpdater(Protocol):
    """Optional port capability: change a message already posted (Slack chat.update, Teams
    activity update), so the case brief is one living message. A port without it leaves
    the brief as first posted (status shows the case as it is)."""

    async def update_message(self, room_id: str, message_id: str, reply: Reply) -> None: ...


@runtime_checkable
class ImageUploader(Protocol):
    """Optional port capability: post a PNG into a room (Slack: files_upload_v2).

    The weekly digest post carries a chart where the port has this; a port without it
    gets the same post without the picture (the linked page has every chart).
    """

    async def upload_image(self, room_id: str, png: bytes, title: str,
                           alt: str = "") -> None:
        """`alt`: what the picture shows, in words (its alt text; else the title)."""


@runtime_checkable
class RoomsOpenWithPost(Protocol):
    """Optional port capability: a room is made by posting its first message (Teams: a
    thread in the swarm channel is its root post), where `opens_with_post` is true.

    The outbox makes the case brief that first post rather than a post of its own: a create
    tried again after a lost answer makes at most one more room, each holding one brief,
    and there is no separate brief post to duplicate. The Room returned, and the one
    `find_room` returns for a room made so, names that post (`first_post`)."""

    opens_with_post: bool

    async def create_room_with_post(self, name: str, post: Reply) -> Room: ...


@runtime_checkable
class PrivateRooms(Protocol):
    """Optional port capability: a room only its members see (Slack: a private channel),
    made for a confidential case (issue 26). A port without it makes its usual room."""

    async def create_private_room(self, name: str, topic: str) -> Room: ...


@runtime_checkable
class PostFinder(Protocol):
    """Optional port capability: find a post already made (Slack: conversations.history).

    A post whose connection dropped may have gone out; before posting it again the outbox
    asks, so a case brief is posted once. A port without it posts again (a duplicate is
    better than a brief never posted)."""

    async def find_post(self, room_id: str, reply: Reply) -> str | None: ...


@runtime_checkable
class DirectMessageFinder(Protocol):
    """Optional port capability: find a direct message already sent (Slack: the history of
    the person's DM channel). A replica killed after sending one and before recording it
    leaves its row to another replica when the lease runs out; that one asks first, so the
    person gets the message (a handoff offer, a reminder) once."""

    async def find_direct_message(self, user_id: str, reply: Reply) -> str | None: ...


@runtime_checkable
class RoomBookmarks(Protocol):
    """Optional port capability: a link kept at the top of a room (issue 25: `set link`).
    Slack: a channel bookmark; Teams: a website tab on a Graph channel, else a link message
    in the thread. Idempotent: a bookmark with the same title is changed, not added again."""

    async def bookmark(self, room_id: str, title: str, url: str) -> None: ...
