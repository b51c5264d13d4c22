"""The Slack app manifest: `swarmbot slack-manifest --url https://host` prints it as YAML.

Paste it into api.slack.com/apps -> Create New App -> From an app manifest. The YAML is
written by hand (block style, every string JSON-quoted, so it is unambiguous YAML 1.2)
to avoid a YAML dependency; `manifest(...)` is the dict it comes from.
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
    "channels:history",  # message.channels: count contributions (no text is stored)
    "groups:history",  # message.groups
    "files:write",  # the weekly digest's chart (files upload v2)
)


def manifest(url: str, *, name: str = "swarmbot", slash: str = "/swarm",
             socket_mode: bool = False) -> dict[str, Any]:
    endpoint = url.rstrip("/") + "/slack/events"
    command: dict[str, Any] = {
        "command": slash,
        "description": "Swarm a customer case: open, need, handoff, resolve…",
        "usage_hint": "open ZD-4711 sev2 Acme cannot log in | help",
        "should_escape": True,
    }
    events: dict[str, Any] = {"bot_events": sorted(ids.EVENTS)}
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
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML for dicts, lists and scalars (strings always double-quoted)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 1))
            elif isinstance(item, dict | list):
                lines.append(f"{pad}{key}: {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                first = to_yaml(item, indent + 1).splitlines()
                lines.append(f"{pad}- {first[0].lstrip()}")
                lines.extend(first[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(value))
    return "\n".join(lines)


def manifest_yaml(url: str, **kwargs: Any) -> str:
    return "_metadata:\n  major_version: 1\n  minor_version: 1\n" + to_yaml(
        manifest(url, **kwargs)) + "\n"
