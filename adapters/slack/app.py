"""The Bolt AsyncApp: one listener per command, action, view and event, acked at once.

Over Socket Mode every request comes through here; over signed HTTP only what the route
does not ack itself (adapters/slack/intake.py: url_verification, the Home tab, the unknown).
Every listener acks within Slack's 3 seconds and leaves the work to a lazy listener. The
inbox middleware translates the request into a delivery and hands it to the core's inbox
before the ack (`Intake.admit`, shared with the HTTP route); the lazy listener runs it
(which marks it done), so a crash after the ack loses nothing and a redelivery does nothing
twice. `process_before_response=True` makes Bolt finish the ack function (and its form
checks) before the lazy listener starts, with the context the ack function left.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.after_ack import Work, run_logged
from adapters.slack import ids
from adapters.slack.authorize import ServedOrInstalled
from adapters.slack.intake import HANDLED_EVENTS, Admitted, Intake, listened
from adapters.slack.tenants import WorkspaceClients
from adapters.slack.workspaces import workspace_of
from handlers.delivery import Delivery, Workspace

log = logging.getLogger(__name__)
__all__ = ["HANDLED_EVENTS", "build_bolt_app", "listened"]


class TrackedLazyRunner(AsyncLazyListenerRunner):
    """Bolt's asyncio lazy runner, but keeping hold of its tasks (see after_ack.Work)."""

    def __init__(self, logger: logging.Logger, work: Work) -> None:
        self.logger = logger
        self.work = work

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        self.work.start(to_runnable_function(internal_func=function, logger=self.logger,
                                             request=request))


def build_bolt_app(*, token: str, signing_secret: str, client: AsyncWebClient,
                   intake: Intake, verify_requests: bool = True,
                   oauth_flow: AsyncOAuthFlow | None = None,
                   served_team: str = "", bot_user_id: str = "",
                   clients: WorkspaceClients | None = None) -> AsyncApp:
    # Socket Mode requests arrive over Slack's websocket: there is no signature to check.
    # With OAuth (adapters/slack/oauth.py) Bolt authorizes each request with its workspace's
    # installation (the served workspace with `token`, authorize.py), and drops the tokens
    # on app_uninstalled / tokens_revoked.
    authorize = None
    if oauth_flow is not None:
        settings = oauth_flow.settings
        authorize = ServedOrInstalled(AsyncInstallationStoreAuthorize(
            installation_store=settings.installation_store, client_id=settings.client_id,
            client_secret=settings.client_secret, logger=log, bot_only=True, client=client,
            # Our clients refresh first, under the lease (tenants.py); Bolt's own rotation
            # is left the last minute as a fallback.
            token_rotation_expiration_minutes=1),
            served_team, token, bot_user_id, clients)
    # Bolt types `authorize` as a function, and takes an AsyncAuthorize as it is.
    app = AsyncApp(token=None if oauth_flow else token, oauth_flow=oauth_flow,
                   authorize=authorize,  # type: ignore[arg-type]
                   signing_secret=signing_secret or None, client=client,
                   process_before_response=True, name="swarmbot",
                   request_verification_enabled=verify_requests)
    if oauth_flow is not None:
        app.enable_token_revocation_listeners()
    app.listener_runner.lazy_listener_runner = TrackedLazyRunner(app.logger, intake.work)
    dispatcher, spec = intake.dispatcher, intake.spec

    @app.middleware
    async def inbox_before_ack(body: dict[str, Any], context: dict[str, Any],
                               request: AsyncBoltRequest,
                               next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        if context.get("bot_user_id"):
            dispatcher.bot_user_id = context["bot_user_id"]
        admitted = await intake.admit(body, request.raw_body,
                                      request.headers.get("x-slack-retry-num", [None])[0])
        if admitted is not None:
            if admitted.seen:
                return BoltResponse(status=200, body="")
            context["delivery"] = admitted.delivery
        await next()
        return None

    async def process(body: dict[str, Any], context: dict[str, Any]) -> None:
        delivery = context.get("delivery")
        if isinstance(delivery, Delivery) and not context.get("skip"):
            await run_logged(f"{delivery.source} {delivery.key}",
                             lambda: dispatcher.run(delivery, body))

    async def home(body: dict[str, Any]) -> None:
        event = body.get("event") or {}
        user = event.get("user")
        if isinstance(user, str) and user and event.get("tab", "home") == "home":
            enterprise, team = workspace_of(body)
            where = Workspace(team, enterprise or "") if team else None
            await run_logged(f"home for {user}", lambda: dispatcher.publish_home(user, where))

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
        errors = await intake.form_errors(Admitted("view", delivery), body) \
            if isinstance(delivery, Delivery) else {}
        if errors:
            context["skip"] = True  # closed unrun by form_errors
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    for callback_id in spec["views"]:
        app.view(callback_id)(ack=ack_form, lazy=[process])
    for event in spec["events"]:
        app.event(event)(ack=ack_now, lazy=[home if event == "app_home_opened" else process])
    return app
