"""What happens after the ack: run the command through the core and answer in Slack.

Called by the Bolt lazy listeners and, at start-up, for requests the inbox still holds.
Takes the parsed Slack payload, so both paths run the same code.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids
from adapters.slack.blocks import message
from adapters.slack.home import home_view
from adapters.slack.modals import submission, view_for
from adapters.slack.text import command_text
from bot.domain import Case
from bot.replies import Reply, Tone
from bot.store import Store
from handlers.invocation import Invocation

log = logging.getLogger(__name__)
PLATFORM = "slack"
# Message subtypes that are somebody contributing (not joins, topic changes, bots).
_COUNTED_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
_SETTLED = {"accept": ":white_check_mark: Accepted", "decline": ":no_entry_sign: Declined"}


def _settles(command: str, replies: list[Reply]) -> bool:
    verb = (command.split() or [""])[0].lower()
    return verb in _SETTLED and not any(r.tone is Tone.ERROR for r in replies)


class CoreLike(Protocol):
    store: Store

    async def handle(self, inv: Invocation) -> list[Reply]: ...
    async def member_joined(self, platform: str, room_id: str, user_id: str) -> None: ...
    async def member_left(self, platform: str, room_id: str, user_id: str) -> None: ...
    async def message_posted(self, platform: str, room_id: str, user_id: str) -> None: ...
    def cases_for(self, user_id: str) -> list[Case]: ...
    def case_for_room(self, room_id: str) -> Case | None: ...


class Dispatcher:
    def __init__(self, core: CoreLike, client: AsyncWebClient, session: aiohttp.ClientSession,
                 slash: str = "/swarm") -> None:
        self.core = core
        self.client = client
        self.session = session
        self.slash = slash
        self.bot_user_id: str | None = None
        self._tz: dict[str, str | None] = {}

    async def process(self, kind: str, body: dict[str, Any], replay: bool = False) -> None:
        if kind == "command":
            await self.command(body, replay)
        elif kind == "action":
            await self.action(body, replay)
        elif kind == "view":
            await self.view(body)
        elif kind == "event":
            await self.event(body)
        else:
            log.warning("slack: nothing handles a %s", kind)

    # commands, clicks, forms ---------------------------------------------------
    async def command(self, body: dict[str, Any], replay: bool = False) -> None:
        user, channel = body["user_id"], body.get("channel_id")
        text = command_text(body.get("text", ""))
        form = None if replay else self._form_for(text.lower(), channel)
        if form is not None:
            # `/swarm open` alone (or `handoff` / `resolve` alone in a swarm channel): the
            # form is easier than remembering the syntax.
            await self._open_view(body.get("trigger_id", ""), form, channel, user)
            return
        inv = Invocation(platform=PLATFORM, user_id=user, text=text, room_id=channel,
                         user_name=body.get("user_name"), user_tz=await self._user_tz(user))
        replies = await self.core.handle(inv)
        await self.deliver(replies, user, channel, None if replay else body.get("response_url"))

    def _form_for(self, text: str, channel: str | None) -> str | None:
        if text == "open":
            return "open"
        if text in ("handoff", "resolve") and channel:
            case = self.core.case_for_room(channel)
            if case is not None and case.is_open and case.platform == PLATFORM:
                return f"{text} {case.ref}"
        return None

    async def action(self, body: dict[str, Any], replay: bool = False) -> None:
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        for action in body.get("actions", []):
            prefix = str(action.get("action_id", "")).split(":")[0]
            command = str(action.get("value", ""))
            if prefix == ids.ACTION_FORM:
                if replay:  # a trigger_id lives 3 seconds: a restarted bot cannot open it
                    await self.deliver([Reply.error(
                        f"swarmbot restarted before it could open the form for `{command}`: "
                        "press the button again.")], user, None, None)
                    continue
                await self._open_view(body.get("trigger_id", ""), command, channel, user)
            elif prefix == ids.ACTION_RUN:
                inv = Invocation(platform=PLATFORM, user_id=user, text=command,
                                 room_id=channel, user_name=body["user"].get("username"),
                                 user_tz=await self._user_tz(user))
                replies = await self.core.handle(inv)
                response_url = None if replay else body.get("response_url")
                await self.deliver(replies, user, channel, response_url)
                if response_url and _settles(command, replies):
                    await self._settle(response_url, body.get("message") or {}, user, command)

    async def view(self, body: dict[str, Any]) -> None:
        user = body["user"]["id"]
        sub = submission(body["view"], user, self.bot_user_id)
        if sub.command is None:  # the ack already showed the errors in the form
            return
        inv = Invocation(platform=PLATFORM, user_id=user, text=sub.command,
                         room_id=sub.channel_id, user_name=body["user"].get("username"),
                         user_tz=await self._user_tz(user))
        await self.deliver(await self.core.handle(inv), user, sub.channel_id, None)

    async def _open_view(self, trigger_id: str, command: str, channel: str | None,
                         user: str) -> None:
        view = view_for(command, channel)
        if view is None:
            await self.deliver([Reply.error(f"There is no form for `{command}`.")], user,
                               channel, None)
            return
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as err:
            error = err.response.get("error")
            log.warning("slack: views.open for %r failed: %s", command, error)
            await self.deliver([Reply.error(
                f"Couldn't open the form ({error}); type `{self.slash} {command} …` instead.")],
                user, channel, None)

    async def _settle(self, response_url: str, original: dict[str, Any], user: str,
                      command: str) -> None:
        """An accepted or declined offer loses its buttons, so nobody presses them again."""
        verb = command.split()[0].lower()
        blocks = [b for b in original.get("blocks", []) if b.get("type") != "actions"]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{_SETTLED[verb]} by <@{user}>")]).to_dict())
        body = {"replace_original": True, "text": original.get("text", ""), "blocks": blocks}
        try:
            async with self.session.post(response_url, json=body) as resp:
                if resp.status != 200:
                    log.warning("slack: could not update the offer (%s)", resp.status)
        except aiohttp.ClientError as err:
            log.warning("slack: could not update the offer: %s", err)

    # answering -------------------------------------------------------------------
    async def deliver(self, replies: list[Reply], user: str, channel: str | None,
                      response_url: str | None) -> None:
        """Private replies to the invoker only; public ones to the channel. response_url
        works in any channel (the bot need not be a member); without it, the Web API."""
        for reply in replies:
            payload = message(reply)
            if response_url and await self._respond(response_url, reply, payload):
                continue
            await self._post(reply, payload, user, channel)

    async def _respond(self, url: str, reply: Reply, payload: dict[str, Any]) -> bool:
        body = {**payload, "response_type": "ephemeral" if reply.private else "in_channel",
                "replace_original": False}
        try:
            async with self.session.post(url, json=body) as resp:
                if resp.status == 200:
                    return True
                log.warning("slack: response_url answered %s", resp.status)
        except aiohttp.ClientError as err:
            log.warning("slack: response_url failed: %s", err)
        return False

    async def _post(self, reply: Reply, payload: dict[str, Any], user: str,
                    channel: str | None) -> None:
        try:
            if channel and reply.private and not channel.startswith("D"):
                await self.client.chat_postEphemeral(channel=channel, user=user, **payload)
                return
            if channel and not reply.private:
                await self.client.chat_postMessage(channel=channel, **payload)
                return
        except SlackApiError as err:
            # Not a member of that channel, or it was archived: the person still hears it.
            log.info("slack: reply in %s refused (%s); sending it as a DM", channel,
                     err.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as err:
            log.warning("slack: reply in %s failed (%s); trying a DM", channel, err)
        try:
            await self.client.chat_postMessage(channel=user, **payload)
        except SlackApiError as err:
            log.error("slack: could not answer %s at all: %s", user, err.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as err:
            log.error("slack: could not answer %s at all: %s", user, err)

    async def _user_tz(self, user: str) -> str | None:
        """The person's IANA zone (for `promise 17:00`), asked once per process."""
        if user not in self._tz:
            try:
                resp = await self.client.users_info(user=user)
                self._tz[user] = (resp.get("user") or {}).get("tz")
            except SlackApiError as err:
                log.info("slack: users.info %s: %s", user, err.response.get("error"))
                self._tz[user] = None
        return self._tz[user]

    # events ------------------------------------------------------------------------
    async def event(self, body: dict[str, Any]) -> None:
        event = body.get("event") or {}
        kind, user, channel = event.get("type"), event.get("user"), event.get("channel")
        if user and user == self.bot_user_id:
            return
        if kind == "member_joined_channel" and user and channel:
            await self.core.member_joined(PLATFORM, channel, user)
        elif kind == "member_left_channel" and user and channel:
            await self.core.member_left(PLATFORM, channel, user)
        elif kind == "message" and user and channel and not event.get("bot_id") \
                and event.get("subtype") in _COUNTED_SUBTYPES:
            await self.core.message_posted(PLATFORM, channel, user)
        elif kind == "app_home_opened" and user and event.get("tab", "home") == "home":
            await self.publish_home(user)

    async def publish_home(self, user: str) -> None:
        view = home_view(user, self.core.cases_for(user), self.slash)
        await self.client.views_publish(user_id=user, view=view)
