"""The Bolt AsyncApp: one listener per command, action, view and event, acked at once.

Every listener acks within Slack's 3 seconds and leaves the work to a lazy listener. The
inbox middleware writes the request down before the ack, and the lazy listener marks it
done, so a crash after the ack loses nothing and a redelivery does nothing twice.
`process_before_response=True` makes Bolt finish the ack function (and its form checks)
before the lazy listener starts, with the context the ack function left.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import ids
from adapters.slack.dispatch import Dispatcher
from adapters.slack.inbox import Inbox, Work, key_of, kind_of, run_logged
from adapters.slack.modals import submission
from bot.store import Store

log = logging.getLogger(__name__)
# Events that have a listener below; anything else is not written to the inbox.
HANDLED_EVENTS = {"member_joined_channel", "member_left_channel", "message", "app_home_opened"}


def listened(slash: str) -> dict[str, tuple[str, ...]]:
    """What `build_bolt_app` registers listeners for (a test checks it against what is
    rendered: blocks, views, the manifest)."""
    return {"commands": (slash,), "actions": (ids.ACTION_RUN, ids.ACTION_FORM),
            "views": ids.VIEWS, "events": tuple(sorted(HANDLED_EVENTS))}


class TrackedLazyRunner(AsyncLazyListenerRunner):
    """Bolt's asyncio lazy runner, but keeping hold of its tasks (see inbox.Work)."""

    def __init__(self, logger: logging.Logger, work: Work) -> None:
        self.logger = logger
        self.work = work

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        self.work.start(to_runnable_function(internal_func=function, logger=self.logger,
                                             request=request))


def build_bolt_app(*, token: str, signing_secret: str, client: AsyncWebClient,
                   dispatcher: Dispatcher, inbox: Inbox, work: Work, store: Store,
                   slash: str = "/swarm", verify_requests: bool = True) -> AsyncApp:
    # Socket Mode requests arrive over Slack's websocket: there is no signature to check.
    app = AsyncApp(token=token, signing_secret=signing_secret or None, client=client,
                   process_before_response=True, name="swarmbot",
                   request_verification_enabled=verify_requests)
    app.listener_runner.lazy_listener_runner = TrackedLazyRunner(app.logger, work)

    spec = listened(slash)

    def ours(kind: str | None, body: dict[str, Any]) -> bool:
        """Only what a listener below takes gets an inbox row (nothing else marks it done)."""
        if kind == "command":
            return body.get("command") in spec["commands"]
        if kind == "action":
            return any(str(a.get("action_id", "")).split(":")[0] in spec["actions"]
                       for a in body.get("actions", []))
        if kind == "view":
            return (body.get("view") or {}).get("callback_id") in spec["views"]
        if kind == "event":
            return (body.get("event") or {}).get("type") in spec["events"]
        return False

    @app.middleware
    async def inbox_before_ack(body: dict[str, Any], context: dict[str, Any],
                               request: AsyncBoltRequest,
                               next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        kind = kind_of(body)
        if kind is not None and ours(kind, body):
            if context.get("bot_user_id"):
                dispatcher.bot_user_id = context["bot_user_id"]
            key = key_of(body, request.raw_body)
            if not inbox.put(key, kind, body):
                retry = request.headers.get("x-slack-retry-num", [None])[0]
                log.info("slack: %s %s seen before (retry %s): acknowledged, not redone",
                         kind, key, retry)
                return BoltResponse(status=200, body="")
            context["inbox_key"] = key
            context["inbox_kind"] = kind
        await next()
        return None

    async def process(body: dict[str, Any], context: dict[str, Any]) -> None:
        key, kind = context.get("inbox_key"), context.get("inbox_kind")
        if not key or not kind:
            return
        try:
            if not context.get("skip"):
                await run_logged(f"{kind} {key}", lambda: dispatcher.process(kind, body))
        finally:
            inbox.done(key)

    async def ack_now(ack: AsyncAck) -> None:
        await ack()

    for command in spec["commands"]:
        app.command(command)(ack=ack_now, lazy=[process])
    for prefix in spec["actions"]:
        app.action(ids.ACTION_PATTERNS[prefix])(ack=ack_now, lazy=[process])

    async def ack_form(ack: AsyncAck, body: dict[str, Any], context: dict[str, Any]) -> None:
        """Form errors must come back in the ack, so they are checked here, cheaply."""
        sub = submission(body["view"], body["user"]["id"], context.get("bot_user_id"))
        errors = dict(sub.errors)
        callback = body["view"].get("callback_id")
        if not errors and callback == ids.VIEW_OPEN and sub.command:
            existing = store.cases.by_ref(sub.command.split()[1])
            if existing is not None:
                errors["ref"] = f"{existing.ref} is already {existing.status.value}."
        elif not errors and callback in (ids.VIEW_HANDOFF, ids.VIEW_RESOLVE) and sub.ref:
            # The case may have been resolved since the form opened (who may act on it is
            # the core's decision, told after the form closes).
            case = store.cases.by_ref(sub.ref)
            field = "receiver" if callback == ids.VIEW_HANDOFF else "resolution"
            if case is None or not case.is_open:
                errors[field] = f"{sub.ref} is not open any more."
        if errors:
            context["skip"] = True
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    for callback_id in spec["views"]:
        app.view(callback_id)(ack=ack_form, lazy=[process])
    for event in spec["events"]:
        app.event(event)(ack=ack_now, lazy=[process])
    return app
