"""The Bolt AsyncApp: one listener per command, action, view and event, acked at once.

Every listener acks within Slack's 3 seconds and leaves the work to a lazy listener. The
inbox middleware translates the request into a delivery and hands it to the core's inbox
before the ack; the lazy listener runs it (which marks it done), so a crash after the ack
loses nothing and a redelivery does nothing twice.
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
from adapters.slack.deliveries import delivery_of
from adapters.slack.dispatch import Dispatcher
from adapters.slack.inbox import Work, key_of, kind_of, run_logged
from adapters.slack.modals import field_errors
from handlers.delivery import Delivery
from handlers.entrance import Entrance

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
                   dispatcher: Dispatcher, entrance: Entrance, work: Work,
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
            delivery = delivery_of(kind, body, key, dispatcher.bot_user_id)
            if delivery is not None:
                if not entrance.accept(delivery):
                    retry = request.headers.get("x-slack-retry-num", [None])[0]
                    log.info("slack: %s %s seen before (retry %s): acknowledged, not redone",
                             kind, key, retry)
                    return BoltResponse(status=200, body="")
                context["delivery"] = delivery
        await next()
        return None

    async def process(body: dict[str, Any], context: dict[str, Any]) -> None:
        delivery = context.get("delivery")
        if isinstance(delivery, Delivery) and not context.get("skip"):
            await run_logged(f"{delivery.source} {delivery.key}",
                             lambda: dispatcher.run(delivery, body))
        elif isinstance(delivery, Delivery):  # refused in the ack: nothing more to do
            entrance.close_unrun(delivery)

    async def home(body: dict[str, Any]) -> None:
        event = body.get("event") or {}
        user = event.get("user")
        if isinstance(user, str) and user and event.get("tab", "home") == "home":
            await run_logged(f"home for {user}", lambda: dispatcher.publish_home(user))

    async def ack_now(ack: AsyncAck) -> None:
        await ack()

    for command in spec["commands"]:
        app.command(command)(ack=ack_now, lazy=[process])
    for prefix in spec["actions"]:
        app.action(ids.ACTION_PATTERNS[prefix])(ack=ack_now, lazy=[process])

    async def ack_form(ack: AsyncAck, body: dict[str, Any], context: dict[str, Any]) -> None:
        """Form errors must come back in the ack, so the core checks the form here (reads
        only); it runs after the ack, and checks again then."""
        delivery = context.get("delivery")
        errors = entrance.check(delivery) if isinstance(delivery, Delivery) else {}
        if errors:
            context["skip"] = True
            await ack(response_action="errors",
                      errors=field_errors(errors, body.get("view") or {}))
        else:
            await ack()

    for callback_id in spec["views"]:
        app.view(callback_id)(ack=ack_form, lazy=[process])
    for event in spec["events"]:
        app.event(event)(ack=ack_now, lazy=[home if event == "app_home_opened" else process])
    return app
