"""The Teams ChatPort: swarm rooms as threads in the swarm channel (or Graph channels).

A thread is made by posting its root activity, so the case brief is that post
(bot.ports.RoomsOpenWithPost): the Bot Connector has no look-up of an earlier post, and a
create tried again after its answer was lost then costs one more thread holding its own
brief, never a second brief in one thread. Graph channels are made first and the brief
posted into them, as on Slack.

Room ids are Teams conversation ids. A thread's id is the channel's id plus
`;messageid=<root post id>`, so a room id alone says where to post and which root post to
update. What a conversation id does not say (the regional serviceUrl, the tenant, the bot's
own account, people's names, each person's 1:1 chat) is learned from incoming activities
and from the rooms and chats the port creates (`Directory`, directory.py), and kept in the
store, so proactive posts and `find_room` work after a restart before any activity arrives.
"""

from __future__ import annotations

import logging
from typing import Any

from adapters.teams import cards, post_match
from adapters.teams.connector import BotConnector
from adapters.teams.directory import Directory
from adapters.teams.graph import GraphClient
from adapters.teams.roster import Roster
from bot.availability import PlatformStatus
from bot.config import TeamsConfig
from bot.errors import PortError
from bot.i18n import _
from bot.ports import Room
from bot.replies import Field, Reply, Tone

log = logging.getLogger("swarmbot.teams")


def card_activity(reply: Reply, names: cards.Names) -> dict[str, Any]:
    """A Reply as a Teams message: a card (or plain text), @mentions on the activity."""
    text, entities = cards.mention_entities(list(reply.mentions), names)
    activity: dict[str, Any] = {"type": "message"}
    if cards.is_simple(reply):
        activity.update(text=cards.at_text(reply.text, names), textFormat="markdown")
    else:
        activity["attachments"] = [{"contentType": cards.CARD_CONTENT_TYPE,
                                    "content": cards.reply_card(reply, names)}]
        if text:
            activity["text"] = text
    if entities:
        activity["entities"] = entities
    return activity


def _root_id(room_id: str) -> str | None:
    _, _, root = room_id.partition(";messageid=")
    return root or None


class TeamsChatPort:
    platform = "teams"

    def __init__(self, config: TeamsConfig, connector: BotConnector, directory: Directory,
                 graph: GraphClient | None = None) -> None:
        self.config = config
        self.connector = connector
        self.directory = directory
        self.graph = graph
        self.triage_room: str | None = config.triage_channel_id or None
        self.room_prefix = "swarm"
        self._rooms: dict[str, Room] = {}  # name -> room made since start-up (then: store)
        self._closed: set[str] = set()
        self.roster = Roster(config, connector, directory, graph)

    async def _bot(self) -> dict[str, str]:
        bot = await self.directory.bot_account()
        if bot is None:
            raise PortError("reach Teams", "the bot's Teams account is not known yet: send it "
                            "a message in Teams and try again")
        return {"id": bot["id"], "name": bot["name"]} if bot.get("name") else {"id": bot["id"]}

    async def _tenant(self) -> dict[str, Any]:
        tenant = await self.directory.tenant()
        return {"tenant": {"id": tenant}} if tenant else {}

    async def _send(self, action: str, conversation_id: str, activity: dict[str, Any]) -> str:
        return await self.connector.send(action,
                                         await self.directory.service_url(conversation_id),
                                         conversation_id, activity)

    async def _card(self, reply: Reply) -> dict[str, Any]:
        """The reply as a Teams message, names looked up off the event loop."""
        return await self.directory.rendered(lambda names: card_activity(reply, names))

    def _header(self, name: str, topic: str) -> Reply:
        return Reply(title=_("Swarm room {name}").format(name=name), text=topic, private=False)

    # -- ChatPort -----------------------------------------------------------------------

    @property
    def opens_with_post(self) -> bool:
        """Threads are made by their first post (bot.ports.RoomsOpenWithPost); channels
        (Graph) are not."""
        return self.graph is None

    async def create_room_with_post(self, name: str, post: Reply) -> Room:
        """A thread in the swarm channel whose root post is `post` (the case brief)."""
        if self.graph is not None:
            raise PortError("create the swarm thread", "swarm rooms are Graph channels here")
        return await self._create_thread(name, await self._card(post), opened_by_post=True)

    async def create_room(self, name: str, topic: str) -> Room:
        if self.graph is not None:
            # The channel carries its name and topic (its description) itself: no header
            # post, so the brief is its first post, one call after the channel exists.
            channel = await self.graph.create_channel(self.config.swarm_team_id, name, topic)
            room = Room(channel.id, channel.name)
            await self.directory.remember(room.id, await self.directory.service_url(room.id),
                                          room.name)
            self._rooms[room.name] = room
            return room
        return await self._create_thread(name, await self._card(self._header(name, topic)))

    async def _create_thread(self, name: str, activity: dict[str, Any],
                             opened_by_post: bool = False) -> Room:
        channel_id = self.config.swarm_channel_id
        if not channel_id:
            raise PortError("create the swarm thread", "[teams] swarm_channel_id is not set")
        service_url = await self.directory.service_url(channel_id)
        params = {"isGroup": True, "bot": await self._bot(),
                  "channelData": {"channel": {"id": channel_id}, **await self._tenant()},
                  "activity": activity}
        tenant = await self.directory.tenant()
        if tenant:
            params["tenantId"] = tenant
        result = await self.connector.create_conversation("create the swarm thread",
                                                          service_url, params)
        thread = str(result.get("id") or "")
        room_id = thread if ";messageid=" in thread else \
            f"{channel_id};messageid={result.get('activityId')}"
        # Recorded with its name at once: a crash before the case records the room must not
        # make reconciliation open a second thread (find_room finds this one), nor post a
        # second brief into it (its root post is the brief: first_post says so).
        first_post = _root_id(room_id) if opened_by_post else None
        await self.directory.remember(room_id, service_url, room_name=name,
                                      first_post=first_post)
        room = Room(room_id, name, first_post)
        self._rooms[name] = room
        return room

    async def find_room(self, name: str) -> Room | None:
        if name in self._rooms:
            return self._rooms[name]
        # A thread cannot be looked up by name through the Bot Connector: the store knows
        # the rooms made before a restart (their reference, or their case's room).
        recorded = await self.directory.room_by_name(name)
        if recorded is not None:
            return Room(recorded, name, await self.directory.first_post(recorded))
        if self.graph is not None:
            found = await self.graph.find_channel(self.config.swarm_team_id, name)
            return Room(found.id, found.name) if found else None
        return None

    async def invite(self, room_id: str, user_ids: list[str]) -> None:
        """Threads (and standard channels) have no membership of their own: @mention."""
        if not user_ids:
            return
        text, entities = await self.directory.rendered(
            lambda names: cards.mention_entities(user_ids, names))
        await self._send("mention the people in the swarm thread", room_id, {
            "type": "message", "entities": entities,
            "text": _("{people}: you're in this swarm. The brief is at the top of the thread; "
                      "`catchup` tells you what happened so far.").format(people=text)})

    async def bookmark(self, room_id: str, title: str, url: str) -> None:
        """`set link` (issue 25): a Website tab on a Graph swarm channel; in a thread (no
        tabs there, and a bot cannot pin) a link message in the thread."""
        if self.graph is not None and ";messageid=" not in room_id:
            await self.graph.link_tab(self.config.swarm_team_id, room_id, title, url)
            return
        # A retry after a lost answer looks first (with Graph): one link message, not two.
        link = Reply(text=f"{title}: {url}", private=False)
        if await self.find_post(room_id, link) is None:
            await self.post(room_id, link)

    async def post(self, room_id: str, reply: Reply) -> str:
        return await self._send("post in Teams", room_id, await self._card(reply))

    async def find_post(self, room_id: str, reply: Reply) -> str | None:
        """bot.ports.PostFinder: the id of a post of `reply` already in the room, read
        through Graph (`[teams.graph]`): a thread's replies, a channel's posts. The Bot
        Connector cannot list a conversation, so without Graph this finds nothing and a post
        whose answer was lost is posted again (one duplicate per lost answer)."""
        channel, _, root = room_id.partition(";messageid=")
        if self.graph is None or not channel.startswith("19:"):
            return None  # no Graph, or a 1:1 chat (not a channel of the swarm team)
        activity = await self._card(reply)
        try:
            found = await self.graph.channel_messages(self.config.swarm_team_id, channel,
                                                      root or None)
        except PortError as err:
            # Not readable (a channel of another team, a permission missing): post again,
            # a duplicate being better than a post never made.
            log.warning("could not look for the post in %s: %s", room_id, err)
            return None
        for message in found:
            if post_match.matches(message, activity):
                return str(message.get("id") or "") or None
        return None

    async def update_message(self, room_id: str, message_id: str, reply: Reply) -> None:
        """The living case brief (bot.ports.MessageUpdater): an activity update in place."""
        await self.connector.update("update the brief",
                                    await self.directory.service_url(room_id),
                                    room_id, message_id, await self._card(reply))

    async def delete_message(self, room_id: str, message_id: str) -> None:
        """A mirrored message's copy (bot.ports.MessageDeleter); one already gone is done."""
        await self.connector.delete("delete a message's copy",
                                    await self.directory.service_url(room_id),
                                    room_id, message_id)

    async def direct_message(self, user_id: str, reply: Reply) -> None:
        conversation_id = await self.directory.direct_conversation(user_id)
        service_url = await self.directory.service_url(conversation_id or user_id)
        if conversation_id is None:
            params: dict[str, Any] = {"isGroup": False, "bot": await self._bot(),
                                      "members": [{"id": user_id}]}
            tenant = await self.directory.tenant()
            if tenant:
                params.update(tenantId=tenant, channelData=await self._tenant())
            result = await self.connector.create_conversation("open a chat with them",
                                                              service_url, params)
            conversation_id = str(result.get("id"))
            await self.directory.remember(conversation_id, service_url)
            await self.directory.remember_direct(user_id, conversation_id)
        await self.connector.send("send them a direct message", service_url, conversation_id,
                                  await self._card(reply))

    # -- people by email (bot.helpdesk.ChatDirectory: a ticket's assignee) -----------------

    async def user_by_email(self, email: str) -> str | None:
        return await self.roster.user_by_email(email)

    async def email_of(self, user_id: str) -> str | None:
        return await self.roster.email_of(user_id)

    # bot.availability.PresenceReader (issue 26): Graph presence, where [teams.graph] is on.
    async def person_status(self, user_id: str) -> PlatformStatus:
        if self.graph is None:
            return PlatformStatus()  # says nothing: nobody is skipped for it
        object_id = await self.roster.object_id(user_id)
        if object_id is None:
            return PlatformStatus()
        found = await self.graph.presence(object_id)
        availability, activity = found.get("availability", ""), found.get("activity", "")
        return PlatformStatus(
            away=availability in ("Away", "BeRightBack", "Offline"),
            out_of_office=activity == "OutOfOffice" or "OutOfOffice" in availability,
            in_call=activity in ("InACall", "InAConferenceCall", "InAMeeting", "Presenting"))

    async def upload_image(self, room_id: str, png: bytes, title: str,
                           alt: str = "") -> None:
        """The digest's chart (bot.ports.ImageUploader), as a card with the picture inline."""
        await self._send("post the chart", room_id, {"type": "message", "attachments": [
            {"contentType": cards.CARD_CONTENT_TYPE,
             "content": cards.image_card(png, title, alt)}]})

    async def archive(self, room_id: str) -> None:
        if self.graph is not None:
            await self.graph.archive_channel(self.config.swarm_team_id, room_id)
            return
        # A thread cannot be archived: say it is closed, and stop using it.
        await self._send("close the swarm thread", room_id, await self._card(Reply(
            title=_("Resolved: this swarm is closed"),
            text=_("The case is resolved; thank you all. Further messages here are not "
                   "tracked."),
            tone=Tone.SUCCESS, private=False)))
        self._closed.add(room_id)

    async def set_topic(self, room_id: str, topic: str) -> None:
        if self.graph is not None:
            await self.graph.set_description(self.config.swarm_team_id, room_id, topic)
            return
        root = _root_id(room_id)
        if root is None:
            return  # not a thread we opened: nothing carries a topic
        if await self.directory.first_post(room_id) == root:
            return  # the root post is the brief, which shows the topic and is kept current
        name = next((r.name for r in self._rooms.values() if r.id == room_id), None) or \
            await self.directory.room_name(room_id) or ""
        activity = await self._card(Reply(
            title=_("Swarm room {name}").format(name=name).strip(), text=topic,
            fields=(Field(_("Updated"), _("topic changed")),)))
        activity["id"] = root
        await self.connector.update("update the thread's topic",
                                    await self.directory.service_url(room_id), room_id, root,
                                    activity)

    def is_closed(self, room_id: str) -> bool:
        return room_id in self._closed
