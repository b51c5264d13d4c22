"""The Teams turn: Bot Framework activities in, as deliveries to the core; Adaptive Cards out.

- message: the text (bot mention stripped, other mentions as the core's person tokens) is a
  typed command. In a channel, a message that does not mention the bot is someone talking in
  the swarm (it only reaches us with the ChannelMessage.Read.Group permission): a room event.
- invoke adaptiveCard/action (Action.Execute buttons): a button press; the answer is an
  updated card for the person who clicked.
- invoke task/fetch: the form behind a button; task/submit: the form's values, sent to the
  core as values (never as command text). Errors re-show the form with them at their fields.

A message's command runs after its ack, as Slack's do (DESIGN "Inbox before ack"): the
turn writes the delivery to the inbox and returns, botbuilder answers Teams, and the command
and its replies run in `work` (adapters/after_ack.py). Teams' wait is the inbox write, a slow
command cannot reach Teams' 15-second limit (past it Teams retries and shows an error), and
a crash in between is finished from the inbox at the next start (`replay_inbox`). Invokes
(buttons, forms) still run in the turn: their answer is the HTTP response.

Teams has no ephemeral messages: a private reply to a message goes to the conversation it
was typed in (in a button click or a form it is the clicker's own updated card).
"""

from __future__ import annotations

import hashlib
import html
import logging
from functools import partial
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

from adapters.after_ack import Work
from adapters.teams import cards
from adapters.teams.connector import BotConnector
from adapters.teams.desk_card import DESK_FLAG, desk_card
from adapters.teams.directory import Directory
from adapters.teams.envelope import tenant_of
from adapters.teams.port import TeamsChatPort, card_activity
from adapters.teams.scope import TeamsScope
from bot import tenancy
from bot.errors import PortError
from bot.forms import Form
from bot.i18n import _
from bot.people import mention
from bot.replies import Reply
from handlers import desk, language
from handlers.delivery import (
    Delivery,
    Pressed,
    RoomEvent,
    Sender,
    Submitted,
    Typed,
    Workspace,
)
from handlers.entrance import Entrance, Outcome

log = logging.getLogger("swarmbot.teams")
# How long a task/fetch waits for an assistant's draft: Teams gives an invoke a few seconds.
TASK_WITHIN = 4.0
PLATFORM = "teams"


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
            text = text.replace(label, mention(who))
    return " ".join(html.unescape(text).split()), mentioned_bot


def _sender(activity: Activity) -> Sender:
    who = activity.from_property or ChannelAccount(id="unknown")
    return Sender(id=str(who.id or "unknown"), name=who.name, tz=activity.local_timezone,
                  locale=activity.locale or None)


def _key(activity: Activity, suffix: str = "") -> str | None:
    return f"teams:{activity.id}{suffix}" if activity.id else None


def _workspace(activity: Activity) -> Workspace | None:
    """The activity's Entra tenant, as the delivery's workspace (scope.py)."""
    tenant = tenant_of(activity)
    return Workspace(tenant) if tenant else None


class SwarmTeamsBot(TeamsActivityHandler):
    def __init__(self, entrance: Entrance, directory: Directory, connector: BotConnector,
                 port: TeamsChatPort, work: Work) -> None:
        self.entrance = entrance
        self.directory = directory
        self.connector = connector
        self.port = port
        self.work = work
        self.scope = TeamsScope()  # whose data an activity sees (scope.py; set at serve)

    async def on_turn(self, turn_context: TurnContext) -> None:
        await self.directory.learn(turn_context.activity)
        # The whole turn (and the work it leaves to run after the ack, which copies this
        # context) runs as the activity's tenant, and answers in the reader's language
        # (cards, forms, the desk).
        with tenancy.scoped(self.scope.tenant(tenant_of(turn_context.activity))), \
                language.for_sender(self.entrance.config, _sender(turn_context.activity)):
            await super().on_turn(turn_context)

    def _delivery(self, activity: Activity, what: Any, key: str | None) -> Delivery:
        return Delivery(source=PLATFORM, key=key, sender=_sender(activity), what=what,
                        room=activity.conversation.id if activity.conversation else None,
                        workspace=_workspace(activity))

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
                await self._reply_to(turn_context.activity, await self._card(reply))

    async def _card(self, reply: Reply) -> dict[str, Any]:
        return await self.directory.rendered(lambda names: card_activity(reply, names))

    def _form_reply(self, form: Form) -> Reply:
        """A form in a chat message (Teams opens task modules only from a button)."""
        return Reply(title=form.title, text=_("Fill it in, or type {hint}.").format(
            hint=form.hint),
                     buttons=(self.entrance.phrases.button(
                         form.title, form.command, form.context.get("ref", ""),
                         needs_input=True),))

    # -- messages -----------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if activity.value and not activity.text:
            return  # an Action.Submit outside a task module: nothing we sent does that
        text, mentioned_bot = command_text(activity)
        conversation_type = activity.conversation.conversation_type if activity.conversation \
            else None
        if conversation_type == "personal" and text.lower() in self._desk_words():
            await self._send_desk(activity)  # a read: the card is the answer (issue 25)
            return
        if conversation_type == "channel" and not mentioned_bot:
            if activity.conversation and activity.from_property:
                await self._after_ack(activity, self._delivery(activity, RoomEvent(
                    "posted", (activity.conversation.id,), text, activity.id or ""),
                    _key(activity)))
            return
        await self._after_ack(activity, self._delivery(activity, Typed(text), _key(activity)))

    async def on_teams_message_edit(self, turn_context: TurnContext) -> None:
        await self._changed(turn_context.activity, "edited")

    async def on_teams_message_soft_delete(self, turn_context: TurnContext) -> None:
        await self._changed(turn_context.activity, "deleted")

    async def _changed(self, activity: Activity, kind: str) -> None:
        """A channel message edited or deleted in Teams (its id is the message's own): the
        bridge follows it in the case's other rooms (issue 29). Each change is its own
        delivery, keyed apart from the message and from the other edits."""
        if not (activity.conversation and activity.id):
            return
        text = command_text(activity)[0] if kind == "edited" else ""
        change = hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()[:16]
        await self._after_ack(activity, self._delivery(activity, RoomEvent(
            kind, (activity.conversation.id,), text, activity.id),  # type: ignore[arg-type]
            _key(activity, f":{change}")))

    def _desk_words(self) -> set[str]:
        return {"desk", self.entrance.phrases.rename.get("desk", "desk").lower()}

    async def _desk(self, user: str, above: list[dict[str, Any]] | None = None
                    ) -> dict[str, Any]:
        """The person's desk as a card (read on a unit thread, never on the event loop)."""
        shown = await self.entrance.in_thread(desk.read, self.entrance.deps, user)
        return await self.directory.rendered(lambda n: desk_card(shown, n, above))

    async def _send_desk(self, incoming: Activity) -> None:
        user = incoming.from_property.id if incoming.from_property else None
        if not user:
            return
        try:
            await self._reply_to(incoming, {"type": "message", "attachments": [
                {"contentType": cards.CARD_CONTENT_TYPE, "content": await self._desk(user)}]})
        except PortError as err:
            log.warning("Teams: could not show %s their desk: %s", user, err)

    async def _after_ack(self, incoming: Activity, delivery: Delivery) -> None:
        """Inbox before ack: the row is written here, in the turn; the command runs once
        the turn has returned. A redelivered activity (same id) finds its row: not redone."""
        if not await self.entrance.record(delivery):
            log.info("Teams: activity %s seen before: acknowledged, not redone", delivery.key)
            return
        self.work.run_later(f"teams {delivery.key}", partial(self._answer, incoming, delivery))

    async def _answer(self, incoming: Activity, delivery: Delivery) -> None:
        with language.for_sender(self.entrance.config, delivery.sender):
            await self._answer_now(incoming, delivery)

    async def _answer_now(self, incoming: Activity, delivery: Delivery) -> None:
        outcome = await self.entrance.process(delivery)
        replies = outcome.replies + ([self._form_reply(outcome.form)] if outcome.form else [])
        for reply in replies:
            try:
                await self._reply_to(incoming, await self._card(reply))
            except PortError as err:  # told to the log: Teams refused or was unreachable
                log.warning("Teams: could not answer %s: %s", delivery.key, err)

    async def replay(self, delivery: Delivery) -> None:
        """Finish a delivery the inbox held (the core's replay loop calls this): its turn is
        gone, so the answer goes to the conversation it came from, proactively; as its
        tenant, which the delivery kept, and in its reader's language."""
        tenant = delivery.workspace.team_id if delivery.workspace else None
        with language.for_sender(self.entrance.config, delivery.sender):
            with tenancy.scoped(self.scope.tenant(tenant)):
                outcome = await self.entrance.process(delivery)
            await self._tell(delivery, outcome)

    async def _tell(self, delivery: Delivery, outcome: Outcome) -> None:
        for reply in outcome.replies:
            try:
                if delivery.room:
                    await self.port.post(delivery.room, reply)
                else:
                    await self.port.direct_message(delivery.sender.id, reply)
            except PortError as err:
                log.warning("Teams: could not answer inbox item %s: %s", delivery.key, err)

    # -- membership (conversationUpdate) -------------------------------------------------
    # The stock dispatch looks up every added member through the connector (one call
    # each) only to build TeamsChannelAccount objects; the core needs ids, so these
    # overrides take them from the activity.

    @staticmethod
    def _rooms(activity: Activity) -> tuple[str, ...]:
        """The rooms a membership event may be about, most specific first: the channel it
        names (a Graph swarm channel), its conversation, the conversation's root."""
        channel = ((activity.channel_data or {}).get("channel") or {}).get("id")
        conversation = activity.conversation.id if activity.conversation else None
        found = (channel, conversation, (conversation or "").split(";")[0])
        return tuple(dict.fromkeys(r for r in found if r))

    async def _members(self, activity: Activity, members: list[ChannelAccount],
                       kind: str) -> None:
        bot_id = activity.recipient.id if activity.recipient else None
        for member in members:
            if member.id and member.id != bot_id:
                if member.name:
                    self.directory.names[member.id] = member.name
                await self.entrance.receive(Delivery(
                    source=PLATFORM, key=_key(activity, f":{kind}:{member.id}"),
                    sender=Sender(member.id, member.name), workspace=_workspace(activity),
                    room=activity.conversation.id if activity.conversation else None,
                    # `kind` is "joined" or "left" (its two callers'); typed str here.
                    what=RoomEvent(kind, self._rooms(activity))))  # type: ignore[arg-type]

    async def on_teams_members_added_dispatch(self, members_added: list[ChannelAccount],
                                              team_info: Any, turn_context: TurnContext,
                                              ) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(m.id == bot_id for m in members_added):
            await self._reply_to(activity, {"type": "message", "attachments": [
                {"contentType": cards.CARD_CONTENT_TYPE, "content": cards.welcome_card()}]})
            if activity.conversation and \
                    activity.conversation.conversation_type == "personal":
                await self._send_desk(activity)  # the personal chat opens on the desk
        await self._members(activity, members_added, "joined")

    async def on_teams_members_removed_dispatch(self, members_removed: list[ChannelAccount],
                                                team_info: Any, turn_context: TurnContext,
                                                ) -> None:
        await self._members(turn_context.activity, members_removed, "left")

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
        activity = turn_context.activity
        outcome = await self.entrance.receive(self._delivery(activity, Pressed(command),
                                                             _key(activity)))
        replies = outcome.replies + ([self._form_reply(outcome.form)] if outcome.form else [])
        await self._post_public(turn_context, replies)
        if data.get(DESK_FLAG) and activity.from_property and activity.from_property.id:
            # A press on the desk: the desk again, as it left it, under what it answered.
            above = await self.directory.rendered(
                lambda n: cards.replies_card(replies, n)["body"] if replies else [])
            return AdaptiveCardInvokeResponse(
                status_code=200, type=cards.CARD_CONTENT_TYPE,
                value=await self._desk(activity.from_property.id, above))
        return AdaptiveCardInvokeResponse(
            status_code=200, type=cards.CARD_CONTENT_TYPE,
            value=await self.directory.rendered(lambda n: cards.replies_card(replies, n)))

    # -- task modules -------------------------------------------------------------------

    @staticmethod
    def _task(form: Form) -> TaskModuleResponse:
        return TaskModuleResponse(task=TaskModuleContinueResponse(value=TaskModuleTaskInfo(
            title=form.title, height="medium", width="medium",
            card=Attachment(content_type=cards.CARD_CONTENT_TYPE,
                            content=cards.form_card(form)))))

    async def on_teams_task_module_fetch(self, turn_context: TurnContext,
                                         task_module_request: TaskModuleRequest,
                                         ) -> TaskModuleResponse:
        data = task_module_request.data if isinstance(task_module_request.data, dict) else {}
        command = str(data.get("command") or "").strip()
        delivery = self._delivery(turn_context.activity, Pressed(command), None)
        # Built on a store thread (never the event loop): it reads the case, and the draft it
        # opens with the timeline.
        form = await self.entrance.in_thread(self.entrance.form, delivery)
        if form is None:
            return TaskModuleResponse(task=TaskModuleMessageResponse(
                value=_("Nothing to fill in for `{command}`.").format(command=command[:80])))
        # A form with a draft: the assistant's, where one answers in its timeout (issue 30).
        return self._task(await self.entrance.assist_form(form, delivery, within=TASK_WITHIN)
                          or form)

    async def on_teams_task_module_submit(self, turn_context: TurnContext,
                                          task_module_request: TaskModuleRequest,
                                          ) -> TaskModuleResponse:
        data = task_module_request.data if isinstance(task_module_request.data, dict) else {}
        command, values, context = cards.submitted_form(data)
        activity = turn_context.activity
        outcome = await self.entrance.receive(self._delivery(
            activity, Submitted(command, values, context), _key(activity)))
        if outcome.form is not None and outcome.form.errors:
            return self._task(outcome.form)  # the form again, errors at their fields
        replies = outcome.replies
        await self._post_public(turn_context, replies)
        if all(cards.is_simple(r) for r in replies):
            return TaskModuleResponse(task=TaskModuleMessageResponse(
                value=await self.directory.rendered(
                    lambda n: " ".join(cards.plain(r.text, n) for r in replies))))
        card = await self.directory.rendered(lambda n: cards.replies_card(replies, n))
        return TaskModuleResponse(task=TaskModuleContinueResponse(value=TaskModuleTaskInfo(
            title="swarmbot", height="medium", width="medium",
            card=Attachment(content_type=cards.CARD_CONTENT_TYPE, content=card))))
