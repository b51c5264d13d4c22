"""The ChatPort over Slack's Web API (slack_sdk AsyncWebClient): swarm rooms are channels."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import fallback_text, message
from adapters.slack.tenants import WorkspaceClients
from adapters.slack.text import slack_mentions
from bot import tenancy
from bot.availability import PlatformStatus
from bot.errors import PortError, retry_after
from bot.metrics import PLATFORM_ERRORS
from bot.ports import Room
from bot.replies import Reply

log = logging.getLogger(__name__)

NAME_LIMIT = 80
TOPIC_LIMIT = 250
MAX_SUFFIX = 50
# Errors that mean the wanted state is already there: not a failure.
_ALREADY = {"already_in_channel", "already_archived", "cant_invite_self"}


def _detail(err: Exception) -> str:
    if isinstance(err, SlackApiError):
        return str(err.response.get("error", "unknown_error"))
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def name_variant(name: str, n: int) -> str:
    """`name` with suffix -n, still at most 80 chars (the summary is cut, not the suffix)."""
    if n < 2:
        return name[:NAME_LIMIT]
    suffix = f"-{n}"
    return name[:NAME_LIMIT - len(suffix)].rstrip("-_") + suffix


class SlackChatPort:
    platform = "slack"
    # A channel's topic is a call of its own (conversations.setTopic): the outbox makes it
    # beside the invitation and the brief instead of inside create_room, one wait fewer.
    topic_apart = True

    def __init__(self, client: AsyncWebClient, *, private_channels: bool = False,
                 archive_on_resolve: bool = True, triage_room: str | None = None,
                 room_prefix: str = "swarm") -> None:
        self.client = client
        # The client of the workspace in scope (several workspaces: tenants.py), else
        # `client`'s token for every call.
        self.clients: WorkspaceClients | None = None
        self.room_prefix = room_prefix  # [slack] channel_prefix
        self.private_channels = private_channels
        self.archive_on_resolve = archive_on_resolve
        self._triage_room = triage_room
        # Several workspaces: a workspace's own settings (adapters/slack/settings.py).
        self.settings_of: Callable[[tenancy.Tenant], Awaitable[tenancy.Tenant]] | None = None

    @property
    def several_workspaces(self) -> bool:
        return self.settings_of is not None

    async def with_settings(self, tenant: tenancy.Tenant) -> tenancy.Tenant:
        """The tenant with its workspace's own settings (bot/ports.WorkspaceSettingsReader)."""
        return tenant if self.settings_of is None else await self.settings_of(tenant)

    @property
    def triage_room(self) -> str | None:
        """The triage channel of the workspace in scope, if it has its own (tenancy)."""
        tenant = tenancy.current()
        if tenant is not None and tenant.triage_room:
            return tenant.triage_room
        return self._triage_room

    @triage_room.setter
    def triage_room(self, room: str | None) -> None:
        self._triage_room = room

    async def _call(self, action: str, method: str, **kwargs: Any) -> dict[str, Any]:
        """One Web API call; a refusal or a network failure becomes PortError(action).

        `method` is the Web API name ("chat.postMessage"); the SDK's typed method is used so
        that each call goes out the way Slack documents it (query, form or JSON body).
        """
        client = await self.clients.current() if self.clients is not None else self.client
        fn = getattr(client, method.replace(".", "_"))
        try:
            resp = await fn(**kwargs)
        except SlackApiError as err:
            PLATFORM_ERRORS.labels("slack", method).inc()
            # 429 and 5xx: Slack did not (or may not have) acted and may later; an `ok:false`
            # error such as channel_not_found or not_authed is the same every time.
            status = err.response.status_code
            raise PortError(action, _detail(err), transient=status == 429 or status >= 500,
                            retry_after=retry_after(
                                (err.response.headers or {}).get("Retry-After")
                                or (err.response.headers or {}).get("retry-after"))) from err
        except (TimeoutError, aiohttp.ClientError) as err:
            # A dropped connection: Slack may or may not have acted; the outbox looks before
            # it acts again (find the room by name, the post by its text).
            PLATFORM_ERRORS.labels("slack", method).inc()
            raise PortError(action, _detail(err), transient=True) from err
        return dict(resp.data) if isinstance(resp.data, dict) else {}

    async def create_room(self, name: str, topic: str) -> Room:
        return await self._create_room(name, topic, self.private_channels)

    async def create_private_room(self, name: str, topic: str) -> Room:
        """A confidential case's channel is private whatever [slack] private_channels says."""
        return await self._create_room(name, topic, True)

    async def _create_room(self, name: str, topic: str, private: bool) -> Room:
        for n in range(1, MAX_SUFFIX + 1):
            candidate = name_variant(name, n)
            try:
                data = await self._call("create channel", "conversations.create",
                                        name=candidate, is_private=private)
            except PortError as err:
                if err.detail == "name_taken":
                    continue
                raise
            channel = data["channel"]
            room = Room(id=channel["id"], name=channel.get("name", candidate))
            if topic:
                try:
                    await self.set_topic(room.id, topic)
                except PortError as err:
                    # The channel exists and is usable; a missing topic is cosmetic, so the
                    # create is not reported as failed (which would make the core retry it).
                    log.warning("channel %s created but its topic was refused: %s", room.id, err)
            return room
        raise PortError("create channel", f"name_taken for {name} and {MAX_SUFFIX - 1} variants")

    async def _channels(self) -> AsyncIterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            args: dict[str, Any] = {"types": "public_channel,private_channel",
                                    "exclude_archived": True, "limit": 200}
            if cursor:
                args["cursor"] = cursor
            data = await self._call("list channels", "conversations.list", **args)
            for channel in data.get("channels", []):
                yield channel
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    async def find_room(self, name: str) -> Room | None:
        wanted = name.lstrip("#").lower()
        async for channel in self._channels():
            if channel.get("name", "").lower() == wanted:
                return Room(id=channel["id"], name=channel["name"])
        return None

    async def invite(self, room_id: str, user_ids: list[str]) -> None:
        users = [u for u in dict.fromkeys(user_ids) if u]
        if not users:
            return
        try:
            await self._call("invite", "conversations.invite", channel=room_id,
                             users=",".join(users))
        except PortError as err:
            if err.detail not in _ALREADY:
                raise

    async def post(self, room_id: str, reply: Reply) -> str:
        data = await self._call("post", "chat.postMessage", channel=room_id, **message(reply))
        return str(data.get("ts", ""))

    async def find_post(self, room_id: str, reply: Reply) -> str | None:
        """The id of a post of `reply` already in the room (bot.ports.PostFinder): the outbox
        asks before posting again after a try that may have gone out (a dropped connection)."""
        text = fallback_text(reply)
        data = await self._call("look for the post", "conversations.history", channel=room_id,
                                limit=100)
        for msg in data.get("messages", []):
            if msg.get("text") == text:
                return str(msg.get("ts", ""))
        return None

    async def find_direct_message(self, user_id: str, reply: Reply) -> str | None:
        """bot.ports.DirectMessageFinder: the person's DM channel, looked through as a room."""
        data = await self._call("look for the direct message", "conversations.open",
                                users=user_id)
        return await self.find_post(data["channel"]["id"], reply)

    async def direct_message(self, user_id: str, reply: Reply) -> None:
        data = await self._call("direct message", "conversations.open", users=user_id)
        channel = data["channel"]["id"]
        await self._call("direct message", "chat.postMessage", channel=channel, **message(reply))

    async def delete_message(self, room_id: str, message_id: str) -> None:
        """A mirrored message's copy (bot.ports.MessageDeleter): one already gone is done."""
        try:
            await self._call("delete a message's copy", "chat.delete", channel=room_id,
                             ts=message_id)
        except PortError as err:
            if "message_not_found" not in err.detail:
                raise

    async def update_message(self, room_id: str, message_id: str, reply: Reply) -> None:
        """The living case brief (bot.ports.MessageUpdater): chat.update on its ts."""
        await self._call("update the brief", "chat.update", channel=room_id, ts=message_id,
                         **message(reply))

    async def archive(self, room_id: str) -> None:
        if not self.archive_on_resolve:
            log.info("not archiving %s: [slack] archive_on_resolve = false", room_id)
            return
        try:
            await self._call("archive", "conversations.archive", channel=room_id)
        except PortError as err:
            if err.detail not in _ALREADY:
                raise

    async def upload_image(self, room_id: str, png: bytes, title: str,
                           alt: str = "") -> None:
        """The digest's chart (bot.ports.ImageUploader), through files upload v2."""
        await self._call("upload the chart", "files.upload_v2", channel=room_id, content=png,
                         filename="digest.png", title=title, alt_txt=alt or title)

    # bot.helpdesk.ChatDirectory: a ticket's assignee by email, never guessed.
    async def user_by_email(self, email: str) -> str | None:
        try:
            data = await self._call("look up the email", "users.lookupByEmail", email=email)
        except PortError as err:
            if err.detail == "users_not_found":
                return None
            raise
        user = data.get("user") or {}
        return None if user.get("deleted") or user.get("is_bot") else user.get("id")

    async def email_of(self, user_id: str) -> str | None:
        try:
            data = await self._call("read the profile", "users.info", user=user_id)
        except PortError as err:
            if err.detail == "user_not_found":
                return None
            raise
        return ((data.get("user") or {}).get("profile") or {}).get("email") or None

    # bot.availability.PresenceReader (issue 26): users.info (the profile's status and zone)
    # and users.getPresence; both under the users:read scope the app has already.
    async def person_status(self, user_id: str) -> PlatformStatus:
        info = (await self._call("read the profile", "users.info", user=user_id)).get(
            "user") or {}
        presence = await self._call("read the presence", "users.getPresence", user=user_id)
        profile = info.get("profile") or {}
        expires = profile.get("status_expiration") or 0
        # A status past its expiration (Slack clears it lazily) says nothing any more.
        live = not expires or expires > time.time()
        return PlatformStatus(
            away=presence.get("presence") == "away",
            status_text=str(profile.get("status_text") or "") if live else "",
            status_emoji=str(profile.get("status_emoji") or "") if live else "",
            huddle=profile.get("huddle_state") == "in_a_huddle",
            tz=info.get("tz") or None)

    def room_link(self, room_id: str) -> str:
        """bot.helpdesk.RoomLinks: opens the channel in the Slack client."""
        return f"https://slack.com/app_redirect?channel={room_id}"

    async def set_topic(self, room_id: str, topic: str) -> None:
        await self._call("set topic", "conversations.setTopic", channel=room_id,
                         topic=slack_mentions(topic)[:TOPIC_LIMIT])

    async def bookmark(self, room_id: str, title: str, url: str) -> None:
        """A channel bookmark (bookmarks.add); one of the same title is edited instead, so
        a retry or a second `set link` never adds another."""
        listed = await self._call("read the bookmarks", "bookmarks.list", channel_id=room_id)
        for found in listed.get("bookmarks") or []:
            if found.get("title") == title:
                if found.get("link") != url:
                    await self._call("change the bookmark", "bookmarks.edit",
                                     bookmark_id=found["id"], channel_id=room_id, link=url)
                return
        await self._call("add a bookmark", "bookmarks.add", channel_id=room_id, title=title,
                         type="link", link=url)

    async def resolve_channel(self, ref: str) -> str | None:
        """Config value -> channel id: `C123` is taken as is, `#name` / `name` is looked up."""
        ref = ref.strip()
        if not ref:
            return None
        if not ref.startswith("#") and ref[:1] in ("C", "G") and ref[1:].isalnum() \
                and ref.upper() == ref:
            return ref
        room = await self.find_room(ref)
        return room.id if room else None

