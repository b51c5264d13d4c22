"""What happens after the ack: run the delivery through the core and answer in Slack.

Called by the Bolt lazy listeners and, at start-up, for deliveries the inbox still holds
(then there is no request body: no response_url, no trigger_id).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from functools import lru_cache
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject
from slack_sdk.web.async_client import AsyncWebClient

from adapters.after_ack import run_logged
from adapters.slack.blocks import message
from adapters.slack.home import home_view
from adapters.slack.modals import view_for
from adapters.slack.settings import WorkspaceSettings
from adapters.slack.tenants import WorkspaceClients
from bot import tenancy
from bot.errors import PortError
from bot.forms import Form
from bot.i18n import _
from bot.replies import Reply
from handlers import desk, language
from handlers.delivery import Delivery, Sender, Submitted, Typed, Workspace
from handlers.entrance import Entrance, Outcome

log = logging.getLogger(__name__)
# The tenant of a request that names no workspace (no case, person or row is of it).
NO_WORKSPACE = "-"
_SETTLED_MARK = {"Accepted": ":white_check_mark:", "Declined": ":no_entry_sign:"}


_JSON = {"Content-Type": "application/json"}


@lru_cache(maxsize=512)
def _response_body(reply: Reply) -> bytes:
    """A reply as a response_url body, encoded once per reply (`help` is long: its JSON is
    ~7% of a request's CPU)."""
    return json.dumps({**message(reply),
                       "response_type": "ephemeral" if reply.private else "in_channel",
                       "replace_original": False}).encode()


class Dispatcher:
    def __init__(self, entrance: Entrance, client: AsyncWebClient,
                 session: aiohttp.ClientSession, slash: str = "/swarm") -> None:
        self.entrance = entrance
        self.client = client
        self.session = session
        self.slash = slash
        self.bot_user_id: str | None = None
        # What users.info said of each person: (IANA zone, locale tag), asked once.
        self._profile: dict[str, tuple[str | None, str | None]] = {}
        # Several workspaces: each delivery's calls with its workspace's token (tenants.py).
        self.clients: WorkspaceClients | None = None
        # Deliveries run with their workspace in scope (bot/tenancy.py): set when this
        # deployment keeps several workspaces' cases apart.
        self.scoped = False
        self.settings: WorkspaceSettings | None = None
        # Workspace -> the Teams tenants whose cases it also sees (the bridge joins
        # SLACK_BOT_TOKEN's workspace with the Teams tenant; adapters/teams/scope.py).
        self.joined: dict[str, tuple[str, ...]] = {}

    async def _api(self) -> AsyncWebClient:
        return await self.clients.current() if self.clients is not None else self.client

    async def run(self, delivery: Delivery, body: dict[str, Any] | None = None) -> None:
        """Process an accepted delivery and answer. `body`: the live request, if any."""
        body = body or {}
        with tenancy.scoped(await self.tenant_with_settings(self.tenant_of(delivery))):
            tz, locale = await self._user_profile(delivery.sender.id)
            if (tz, locale) != (delivery.sender.tz, delivery.sender.locale):
                delivery = replace(delivery, sender=replace(delivery.sender, tz=tz,
                                                            locale=locale))
            # The answer (and the form, the settled line) in the reader's language too.
            with language.for_sender(self.entrance.config, delivery.sender):
                outcome = await self.entrance.process(delivery)
                await self.answer(delivery, outcome, body)
        view = body.get("view")
        if isinstance(view, dict) and view.get("type") == "home" and \
                body.get("type") == "block_actions":
            # A button on the desk: the desk again, as that press left it.
            await run_logged(f"home for {delivery.sender.id}",
                             lambda: self.publish_home(delivery.sender.id,
                                                       delivery.workspace))

    async def tenant_with_settings(self, tenant: tenancy.Tenant | None
                                   ) -> tenancy.Tenant | None:
        """The tenant with its workspace's own settings (workspace_settings.py), if any."""
        if tenant is None or self.settings is None:
            return tenant
        return await self.settings.tenant(tenant)

    def tenant_of(self, delivery: Delivery) -> tenancy.Tenant | None:
        """The delivery's workspace, when workspaces are kept apart."""
        ws = delivery.workspace
        if not self.scoped:
            return None
        if ws is None or not ws.team_id:
            # Slack names the workspace in every request; one that does not sees nothing.
            log.warning("slack: %s names no workspace: run as nobody's", delivery.key)
            return tenancy.Tenant(NO_WORKSPACE)
        return tenancy.Tenant(ws.team_id, ws.enterprise_id,
                              also=self.joined.get(ws.team_id, ()))

    async def answer(self, delivery: Delivery, outcome: Outcome, body: dict[str, Any]) -> None:
        user, channel = delivery.sender.id, delivery.room
        response_url = body.get("response_url") if isinstance(body.get("response_url"),
                                                              str) else None
        if outcome.form is not None:
            await self._show_form(outcome.form, delivery, body)
        await self.deliver(outcome.replies, user, channel, response_url)
        if outcome.settled and response_url:
            await self._settle(response_url, body.get("message") or {}, user, outcome.settled)

    async def _show_form(self, form: Form, delivery: Delivery, body: dict[str, Any]) -> None:
        user, channel = delivery.sender.id, delivery.room
        if isinstance(delivery.what, Submitted):
            # The modal has closed (the case changed after the form's own check): say it.
            await self.deliver([Reply.error(e) for e in form.errors.values()], user, channel,
                               None)
            return
        trigger = body.get("trigger_id")
        if not isinstance(trigger, str) or not trigger:
            # A trigger_id lives 3 seconds: a restarted bot cannot open the form.
            await self.deliver([Reply.error(
                _("swarmbot restarted before it could open the form; press the button again, "
                  "or type {hint}.").format(hint=form.hint))], user, None, None)
            return
        try:
            api = await self._api()
            opened = await api.views_open(trigger_id=trigger, view=view_for(form, channel))
        except SlackApiError as err:
            error = err.response.get("error")
            log.warning("slack: views.open for %s failed: %s", form.command, error)
            await self.deliver([Reply.error(
                _("Couldn't open the form ({error}); type {hint} instead.").format(
                    error=error, hint=form.hint))], user,
                channel, None)
        except (aiohttp.ClientError, TimeoutError, PortError) as err:
            log.warning("slack: views.open for %s failed: %s", form.command, err)
            await self.deliver([Reply.error(_("Couldn't open the form; type {hint} "
                                              "instead.").format(hint=form.hint))], user,
                               channel, None)
            return
        await self._redraft(form, delivery, opened.get("view") or {})

    async def _redraft(self, form: Form, delivery: Delivery, view: dict[str, Any]) -> None:
        """The modal opened at once (within the trigger's 3 s) with the timeline's draft; the
        assistant's, when it answers, fills it in with views.update (issue 30)."""
        better = await self.entrance.assist_form(form, delivery)
        view_id = view.get("id")
        if better is None or not isinstance(view_id, str):
            return
        try:
            # A new draft goes in a new block (Slack keeps an input's value under its id);
            # only a line saying the assistant did not answer leaves what was typed alone.
            redrafted = better.context.get("drafted") != form.context.get("drafted")
            api = await self._api()
            await api.views_update(view_id=view_id, hash=view.get("hash"), view=view_for(
                better, delivery.room, revision=1 if redrafted else 0))
        except SlackApiError as err:
            # Closed or changed by the person meanwhile (hash_conflict): theirs wins.
            log.info("slack: views.update for %s not done: %s", form.command,
                     err.response.get("error"))
        except (aiohttp.ClientError, TimeoutError, PortError) as err:
            log.warning("slack: views.update for %s failed: %s", form.command, err)

    async def _settle(self, response_url: str, original: dict[str, Any], user: str,
                      settled: str) -> None:
        """An accepted or declined offer loses its buttons, so nobody presses them again."""
        blocks = [b for b in original.get("blocks", []) if b.get("type") != "actions"]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{_SETTLED_MARK.get(settled, '')} " + _("{settled} by {user}").format(
                settled=_(settled), user=f"<@{user}>"))]).to_dict())
        body = {"replace_original": True, "text": original.get("text", ""), "blocks": blocks}
        try:
            async with self.session.post(response_url, json=body) as resp:
                if resp.status != 200:
                    log.warning("slack: could not update the offer (%s)", resp.status)
        except (aiohttp.ClientError, TimeoutError) as err:
            log.warning("slack: could not update the offer: %s", err)

    # answering -------------------------------------------------------------------
    async def deliver(self, replies: list[Reply], user: str, channel: str | None,
                      response_url: str | None) -> None:
        """Private replies to the invoker only; public ones to the channel. response_url
        works in any channel (the bot need not be a member); without it, the Web API."""
        for reply in replies:
            if response_url and await self._respond(response_url, reply):
                continue
            await self._post(reply, message(reply), user, channel)

    async def _respond(self, url: str, reply: Reply) -> bool:
        try:
            async with self.session.post(url, data=_response_body(reply),
                                         headers=_JSON) as resp:
                if resp.status == 200:
                    return True
                log.warning("slack: response_url answered %s", resp.status)
        except (aiohttp.ClientError, TimeoutError) as err:
            log.warning("slack: response_url failed: %s", err)
        return False

    async def _post(self, reply: Reply, payload: dict[str, Any], user: str,
                    channel: str | None) -> None:
        try:
            if channel and reply.private and not channel.startswith("D"):
                api = await self._api()
                await api.chat_postEphemeral(channel=channel, user=user, **payload)
                return
            if channel and not reply.private:
                await (await self._api()).chat_postMessage(channel=channel, **payload)
                return
        except SlackApiError as err:
            # Not a member of that channel, or it was archived: the person still hears it.
            log.info("slack: reply in %s refused (%s); sending it as a DM", channel,
                     err.response.get("error"))
        except (aiohttp.ClientError, TimeoutError, PortError) as err:
            log.warning("slack: reply in %s failed (%s); trying a DM", channel, err)
        try:
            await (await self._api()).chat_postMessage(channel=user, **payload)
        except SlackApiError as err:
            log.error("slack: could not answer %s at all: %s", user, err.response.get("error"))
        except (aiohttp.ClientError, TimeoutError, PortError) as err:
            log.error("slack: could not answer %s at all: %s", user, err)

    async def _user_profile(self, user: str) -> tuple[str | None, str | None]:
        """The person's IANA zone (for `promise 17:00`) and locale tag ("de-DE", the
        language of their replies), one users.info asked once per process. A failure only
        costs them (the config's zone, the deployment's language), never the command."""
        if not user:
            return None, None
        if user not in self._profile:
            try:
                resp = await (await self._api()).users_info(user=user, include_locale=True)
                found = resp.get("user") or {}
                self._profile[user] = (found.get("tz"), found.get("locale"))
            except SlackApiError as err:
                log.info("slack: users.info %s: %s", user, err.response.get("error"))
                self._profile[user] = (None, None)
            except (aiohttp.ClientError, TimeoutError, PortError) as err:
                log.warning("slack: users.info %s failed: %s", user, err)
                return None, None  # not cached: the next command asks again
        return self._profile[user]

    def known_locale(self, user: str) -> str | None:
        """The person's locale as users.info said it, if asked before (no call made)."""
        return (self._profile.get(user) or (None, None))[1]

    async def publish_home(self, user: str, workspace: Workspace | None = None) -> None:
        # The store is read on a unit thread, never on the event loop.
        probe = Delivery(source="slack", sender=Sender(user), what=Typed(""),
                         workspace=workspace)
        with tenancy.scoped(self.tenant_of(probe)):
            _tz, locale = await self._user_profile(user)  # the desk in their language
            with language.for_sender(self.entrance.config, Sender(user, locale=locale)):
                shown = await self.entrance.in_thread(desk.read, self.entrance.deps, user)
                view = home_view(shown, self.slash)
            await (await self._api()).views_publish(user_id=user, view=view)
