"""Before the ack: which requests the core takes, written to its inbox, and the ack itself.

Both ways in share it: Bolt's middleware for Socket Mode (adapters/slack/app.py), and the
signed HTTP route (adapters/slack/server.py), which acks the requests the core takes here,
without Bolt. Bolt adds nothing to those (the signature was checked and the body read by
guard.py; the bot's own events are dropped by `delivery_of`) but costs time on the path
Slack waits for: a second signature check, kwargs built per listener and a deepcopy of the
whole request and its context for the lazy listener (a third of the ack's time in the
profile of issue 15). What the route does not take here (url_verification, the Home tab,
anything unknown) still goes through Bolt.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from aiohttp import web

from adapters.after_ack import Work
from adapters.slack import ids
from adapters.slack.deliveries import delivery_of
from adapters.slack.dispatch import Dispatcher
from adapters.slack.inbox import key_of, kind_of
from adapters.slack.modals import field_errors
from handlers.delivery import Delivery, Submitted
from handlers.entrance import Entrance

log = logging.getLogger(__name__)
# Events that have a listener (app.py); anything else is not written to the inbox.
HANDLED_EVENTS = {"member_joined_channel", "member_left_channel", "message", "app_home_opened",
                  "channel_shared", "channel_unshared"}


def listened(slash: str) -> dict[str, tuple[str, ...]]:
    """What the app answers (a test checks it against what is rendered: blocks, views,
    the manifest)."""
    return {"commands": (slash,), "actions": (ids.ACTION_RUN, ids.ACTION_FORM),
            "views": ids.VIEWS, "events": tuple(sorted(HANDLED_EVENTS))}


@dataclass(frozen=True)
class Admitted:
    """A request the core takes: its delivery, or `seen` when the inbox had its key."""

    kind: str
    delivery: Delivery | None
    seen: bool = False


class Intake:
    def __init__(self, entrance: Entrance, dispatcher: Dispatcher, work: Work,
                 slash: str = "/swarm") -> None:
        self.entrance = entrance
        self.dispatcher = dispatcher
        self.work = work
        self.spec = listened(slash)
        self.slash = slash
        # Several workspaces: any slash command of the app's is this bot's.
        self.any_slash = False

    def ours(self, kind: str | None, body: Mapping[str, Any]) -> bool:
        """Only what a listener takes gets an inbox row (nothing else marks it done)."""
        spec = self.spec
        if kind == "command":
            # Several workspaces: each may have its own slash command (`admin set slash`).
            return body.get("command") in spec["commands"] or (
                self.any_slash and str(body.get("command", "")).startswith("/"))
        if kind == "action":
            return any(str(a.get("action_id", "")).split(":")[0] in spec["actions"]
                       for a in body.get("actions", []) if isinstance(a, dict))
        if kind == "view":
            return (body.get("view") or {}).get("callback_id") in spec["views"]
        if kind == "event":
            return (body.get("event") or {}).get("type") in spec["events"]
        return False

    async def admit(self, body: dict[str, Any], raw_body: str, retry: str | None = None
                    ) -> Admitted | None:
        """Write the request's delivery to the inbox (before the ack); None when it asks
        nothing of the core."""
        kind = kind_of(body)
        if kind is None or not self.ours(kind, body):
            return None
        key = key_of(body, raw_body)
        delivery = delivery_of(kind, body, key, self.dispatcher.bot_user_id)
        if delivery is None:
            return None
        if not await self.entrance.record(delivery):
            log.info("slack: %s %s seen before (retry %s): acknowledged, not redone",
                     kind, key, retry)
            return Admitted(kind, delivery, seen=True)
        return Admitted(kind, delivery)

    async def form_errors(self, admitted: Admitted, body: Mapping[str, Any]
                          ) -> dict[str, str]:
        """A submitted form's errors in Slack's shape (they must come back in the ack); the
        delivery is then closed unrun. The core checks the form again when it runs."""
        if admitted.delivery is None or not isinstance(admitted.delivery.what, Submitted):
            return {}
        # In the person's language, where a command of theirs asked Slack for it already.
        delivery = admitted.delivery
        delivery = replace(delivery, sender=replace(
            delivery.sender, locale=self.dispatcher.known_locale(delivery.sender.id)))
        errors = await self.entrance.in_thread(self.entrance.check, delivery)
        if not errors:
            return {}
        await self.entrance.in_thread(self.entrance.close_unrun, admitted.delivery)
        return field_errors(errors, body.get("view") or {})

    def run_later(self, delivery: Delivery, body: dict[str, Any]) -> None:
        """The command's work, after the ack, kept by `work` (drained at shutdown)."""
        self.work.run_later(f"{delivery.source} {delivery.key}",
                            partial(self.dispatcher.run, delivery, body))

    async def ack_http(self, body: dict[str, Any], raw_body: str, retry: str | None
                       ) -> web.Response | None:
        """The signed HTTP route's ack for what the core takes, or None to hand the request
        to Bolt. The inbox row is written first; the work starts after this returns."""
        admitted = await self.admit(body, raw_body, retry)
        if admitted is None:
            return None
        if admitted.seen:
            return web.Response(status=200)
        errors = await self.form_errors(admitted, body)
        if errors:
            return web.json_response({"response_action": "errors", "errors": errors})
        assert admitted.delivery is not None  # an admitted request has its delivery
        self.run_later(admitted.delivery, body)
        return web.Response(status=200)
