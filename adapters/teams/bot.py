"""The Teams turn: Bot Framework activities in, core.handle, Adaptive Cards out.

- message: the text (bot mention stripped, other mentions as `<@id>`) is a command. In a
  channel, a message that does not mention the bot is someone talking in the swarm (it
  only reaches us with the ChannelMessage.Read.Group permission) and counts as a
  contribution, never as a command.
- invoke adaptiveCard/action (Action.Execute buttons): run the button's command and
  answer with an updated card for the person who clicked.
- invoke task/fetch: answer with the form for open / handoff / resolve; task/submit: compose
  the command text from the form (cards.compose_command) and run it.

Teams has no ephemeral messages: a private reply to a message goes to the conversation it
was typed in (in a button click or a form it is the clicker's own updated card).
"""

from __future__ import annotations

import html
import json
import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import (
    Activity,
    AdaptiveCardInvokeResponse,
    AdaptiveCardInvokeValue,
    Attachment,
    ChannelAccount,
)
from botbuilder.schema.teams import (
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleRequest,
    TaskModuleResponse,
    TaskModuleTaskInfo,
)

from adapters.teams import cards
from adapters.teams.connector import BotConnector
from adapters.teams.directory import Directory
from adapters.teams.port import card_activity
from bot.domain import utcnow
from bot.errors import PortError
from bot.replies import Reply
from handlers.core import Core
from handlers.invocation import Invocation

log = logging.getLogger("swarmbot.teams")
PLATFORM = "teams"
RAW_BODY = "swarmbot.raw_body"  # turn_state key: the request body as received, for the inbox


def command_text(activity: Activity) -> tuple[str, bool]:
    """The command in a message, and whether the bot was @mentioned in it."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    mentioned_bot = False
    for entity in activity.entities or []:
        if (entity.type or "").lower() != "mention":
            continue
        props = entity.additional_properties
        who = (props.get("mentioned") or {}).get("id")
        label = props.get("text") or ""
        if not label:
            continue
        if who == bot_id:
            mentioned_bot = True
            text = text.replace(label, " ")
        elif who:
            text = text.replace(label, f"<@{who}>")
    return " ".join(html.unescape(text).split()), mentioned_bot


class SwarmTeamsBot(TeamsActivityHandler):
    def __init__(self, core: Core, directory: Directory, connector: BotConnector) -> None:
        self.core = core
        self.directory = directory
        self.connector = connector

    async def on_turn(self, turn_context: TurnContext) -> None:
        self.directory.learn(turn_context.activity)
        await super().on_turn(turn_context)

    def _invocation(self, activity: Activity, text: str) -> Invocation:
        sender = activity.from_property or ChannelAccount(id="unknown")
        return Invocation(platform=PLATFORM, user_id=sender.id, text=text,
                          room_id=activity.conversation.id if activity.conversation else None,
                          user_name=sender.name, user_tz=activity.local_timezone)

    async def _reply(self, turn_context: TurnContext, activity: dict[str, Any]) -> None:
        await self._reply_to(turn_context.activity, activity)

    async def _reply_to(self, incoming: Activity, activity: dict[str, Any]) -> None:
        """Answer in the conversation, as a reply to the incoming activity."""
        bot = incoming.recipient or ChannelAccount(id="")
        user = incoming.from_property or ChannelAccount(id="")
        activity = {**activity, "channelId": incoming.channel_id,
                    "serviceUrl": incoming.service_url,
                    "conversation": {"id": incoming.conversation.id},
                    "from": {"id": bot.id, "name": bot.name},
                    "recipient": {"id": user.id, "name": user.name},
                    "replyToId": incoming.id}
        await self.connector.send("reply in Teams", incoming.service_url,
                                  incoming.conversation.id, activity, reply_to=incoming.id)

    async def _post_public(self, turn_context: TurnContext, replies: list[Reply]) -> None:
        for reply in replies:
            if not reply.private:
                await self._reply(turn_context, card_activity(reply, self.directory.name))

    # -- messages -----------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if activity.value and not activity.text:
            return  # an Action.Submit outside a task module: nothing we sent does that
        text, mentioned_bot = command_text(activity)
        conversation_type = activity.conversation.conversation_type if activity.conversation \
            else None
        if conversation_type == "channel" and not mentioned_bot:
            if activity.conversation and activity.from_property:
                await self.core.message_posted(PLATFORM, activity.conversation.id,
                                               activity.from_property.id)
            return
        key = f"teams:{activity.id}" if activity.id else None
        # Inbox before side effects: a redelivered activity (same id) is not run twice, and
        # one a crash interrupted is finished by `replay_inbox` at the next start.
        raw = turn_context.turn_state.get(RAW_BODY) or json.dumps(activity.serialize())
        if key and not self.core.store.inbox.put(key, PLATFORM, raw, utcnow().isoformat()):
            log.info("Teams redelivered activity %s; already handled", activity.id)
            return
        await self._run_command(activity, text, key)

    async def _run_command(self, activity: Activity, text: str, key: str | None) -> None:
        replies = await self.core.handle(self._invocation(activity, text))
        for reply in replies:
            await self._reply_to(activity, card_activity(reply, self.directory.name))
        if key:
            self.core.store.inbox.done(key, utcnow().isoformat())

    async def replay_inbox(self) -> int:
        """Run the commands a crash left in the inbox (received, not done). Returns how many."""
        done = 0
        for row in self.core.store.inbox.pending(PLATFORM):
            activity = Activity().deserialize(json.loads(row.payload))
            self.directory.learn(activity)
            text, _ = command_text(activity)
            try:
                await self._run_command(activity, text, row.key)
            except PortError as err:  # Teams refused the reply: leave it for the next start
                log.warning("Teams: could not finish inbox item %s: %s", row.key, err)
                continue
            done += 1
        return done

    # -- membership (conversationUpdate) -------------------------------------------------
    # The stock dispatch looks up every added member through the connector (one call
    # each) only to build TeamsChannelAccount objects; the core needs ids, so these
    # overrides take them from the activity.

    def _swarm_room(self, activity: Activity) -> str | None:
        """The case room a membership event is about: the channel it names (a Graph swarm
        channel), else its conversation. None when it is about no case's room."""
        channel = ((activity.channel_data or {}).get("channel") or {}).get("id")
        conversation = activity.conversation.id if activity.conversation else None
        for room_id in (channel, conversation, (conversation or "").split(";")[0]):
            if room_id and self.core.case_for_room(room_id) is not None:
                return room_id
        return None

    async def on_teams_members_added_dispatch(self, members_added: list[ChannelAccount],
                                              team_info: Any, turn_context: TurnContext,
                                              ) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(m.id == bot_id for m in members_added):
            await self._reply(turn_context, {"type": "message", "attachments": [
                {"contentType": cards.CARD_CONTENT_TYPE, "content": cards.welcome_card()}]})
        room = self._swarm_room(activity)
        if room is None:
            return
        for member in members_added:
            if member.id and member.id != bot_id:
                if member.name:
                    self.directory.names[member.id] = member.name
                await self.core.member_joined(PLATFORM, room, member.id)

    async def on_teams_members_removed_dispatch(self, members_removed: list[ChannelAccount],
                                                team_info: Any, turn_context: TurnContext,
                                                ) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        room = self._swarm_room(activity)
        if room is None:
            return
        for member in members_removed:
            if member.id and member.id != bot_id:
                await self.core.member_left(PLATFORM, room, member.id)

    # -- Action.Execute -----------------------------------------------------------------

    async def on_adaptive_card_invoke(self, turn_context: TurnContext,
                                      invoke_value: AdaptiveCardInvokeValue,
                                      ) -> AdaptiveCardInvokeResponse:
        action = invoke_value.action
        # botbuilder leaves `action` as the raw dict (it does not deserialise nested values).
        if not isinstance(action, dict):
            action = action.serialize() if action is not None else {}
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        command = str(data.get("command") or action.get("verb") or "").strip()
        replies = await self.core.handle(self._invocation(turn_context.activity, command))
        await self._post_public(turn_context, replies)
        return AdaptiveCardInvokeResponse(
            status_code=200, type=cards.CARD_CONTENT_TYPE,
            value=cards.replies_card(replies, self.directory.name))

    # -- task modules -------------------------------------------------------------------

    def _people(self, command: str) -> dict[str, str]:
        """The case's participants other than its owner: who a handoff can go to."""
        parts = command.split()
        case = self.core.store.cases.by_ref(parts[1]) if len(parts) > 1 else None
        if case is None:
            return {}
        people = {}
        for p in self.core.store.cases.participants(case.id, active_only=True):
            if p.person != case.owner:
                people[p.person] = self.directory.name(p.person) or p.person
        return people

    async def on_teams_task_module_fetch(self, turn_context: TurnContext,
                                         task_module_request: TaskModuleRequest,
                                         ) -> TaskModuleResponse:
        data = task_module_request.data if isinstance(task_module_request.data, dict) else {}
        command = str(data.get("command") or "").strip()
        form = cards.form_for(command, self._people(command))
        if form is None:
            return TaskModuleResponse(task=TaskModuleMessageResponse(
                value=f"Nothing to fill in for `{command}`."))
        title, card = form
        return TaskModuleResponse(task=TaskModuleContinueResponse(value=TaskModuleTaskInfo(
            title=title, height="medium", width="medium",
            card=Attachment(content_type=cards.CARD_CONTENT_TYPE, content=card))))

    async def on_teams_task_module_submit(self, turn_context: TurnContext,
                                          task_module_request: TaskModuleRequest,
                                          ) -> TaskModuleResponse:
        data = task_module_request.data if isinstance(task_module_request.data, dict) else {}
        text = cards.compose_command(data)
        replies = await self.core.handle(self._invocation(turn_context.activity, text))
        await self._post_public(turn_context, replies)
        if all(cards.is_simple(r) for r in replies):
            return TaskModuleResponse(task=TaskModuleMessageResponse(
                value=" ".join(cards.plain(r.text, self.directory.name) for r in replies)))
        return TaskModuleResponse(task=TaskModuleContinueResponse(value=TaskModuleTaskInfo(
            title="swarmbot", height="medium", width="medium",
            card=Attachment(content_type=cards.CARD_CONTENT_TYPE,
                            content=cards.replies_card(replies, self.directory.name)))))
