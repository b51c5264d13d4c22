"""The Slack app manifest: `swarmbot slack-manifest --url https://host` prints it as JSON.

Paste it into api.slack.com/apps -> Create New App -> From an app manifest (JSON tab).
`manifest(...)` is the dict; `manifest_json` adds Slack's `_metadata` and serialises it.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import ids

BOT_SCOPES = (
    "commands",  # the slash command
    "chat:write",  # briefs, replies, handoff offers
    "channels:manage",  # create / archive / invite / topic for public swarm channels
    "channels:read",  # conversations.list: find the triage channel, reconcile rooms
    "groups:write",  # the same for private swarm channels ([slack] private_channels)
    "groups:read",
    "im:write",  # conversations.open for handoff offers and private notices
    "users:read",  # users.info: a person's time zone for promises
    "users:read.email",  # users.lookupByEmail: a helpdesk ticket's owner (bot/helpdesk.py)
    "channels:history",  # message.channels: count contributions (no text is stored)
    "groups:history",  # message.groups
    "files:write",  # the weekly digest's chart (files upload v2)
    "bookmarks:read",  # `set link`: the ticket as a channel bookmark (bookmarks.list, .add,
    "bookmarks:write",  # .edit)
)


# With OAuth (adapters/slack/oauth.py): Bolt's token revocation listeners drop the tokens.
OAUTH_EVENTS = ("app_uninstalled", "tokens_revoked")


def manifest(url: str, *, name: str = "swarmbot", slash: str = "/swarm",
             socket_mode: bool = False, oauth_redirect: str = "") -> dict[str, Any]:
    """`oauth_redirect`: the OAuth redirect URL ([slack.oauth]), which also subscribes the
    app to the uninstall and revocation events."""
    endpoint = url.rstrip("/") + "/slack/events"
    command: dict[str, Any] = {
        "command": slash,
        "description": "Swarm a customer case: open, need, handoff, resolve…",
        "usage_hint": "open ZD-4711 sev2 Acme cannot log in | help",
        "should_escape": True,
    }
    events: dict[str, Any] = {"bot_events": sorted(ids.EVENTS + (OAUTH_EVENTS if oauth_redirect
                                                                 else ()))}
    oauth: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if oauth_redirect:
        oauth["redirect_urls"] = [oauth_redirect]
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:
        command["url"] = endpoint
        events["request_url"] = endpoint
        interactivity["request_url"] = endpoint
    return {
        "display_information": {
            "name": name,
            "description": "Case swarming for customer support",
            "long_description": (
                "swarmbot opens a channel per customer case, brings specialists in by skill, "
                "hands cases off warmly between owners and credits everyone who helped, "
                "so the customer keeps one person. Type /swarm help to start."),
            "background_color": "#2c3e50",
        },
        "features": {
            # The Messages tab shows what the bot sends (handoff offers, reminders, the
            # digest) but is read-only: the bot subscribes to no message.im event, so a
            # message typed there would reach nobody. Commands go through the slash command.
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": True},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_json(url: str, **kwargs: Any) -> str:
    data = {"_metadata": {"major_version": 1, "minor_version": 1}, **manifest(url, **kwargs)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
