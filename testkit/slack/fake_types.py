"""The fake Slack Web API's values: its tokens, the calls it records, workspaces, channels,
injected faults and the refusals a method raises (testkit/slack/fake_slack.py serves them)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"  # Socket Mode: apps.connections.open takes the app token
BOT_USER = "UBOT"
_NAME_OK = re.compile(r"^[a-z0-9_-]{1,80}$")


# The app's OAuth credentials at the fake (oauth.v2.access checks them, HTTP Basic).
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    content_type: str
    token: str = ""  # the Bearer token the call carried


@dataclass
class Workspace:
    """A workspace the app can be installed in by OAuth (`FakeSlack.workspace`)."""

    team_id: str
    name: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    org_wide: bool = False  # an Enterprise Grid org-wide install (is_enterprise_install)


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool
    members: set[str] = field(default_factory=lambda: {BOT_USER})
    topic: str = ""
    archived: bool = False
    bookmarks: list[dict[str, Any]] = field(default_factory=list)  # bookmarks.add/.edit

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "is_channel": not self.is_private,
                "is_group": self.is_private, "is_private": self.is_private,
                "is_archived": self.archived, "topic": {"value": self.topic},
                "num_members": len(self.members)}


# Calls never failed: start-up's (a failed auth.test stops `serve`, which is its own test).
_NEVER_FAIL = {"auth.test", "apps.connections.open"}
FAULT_KINDS = ("429", "500", "drop_before", "drop_after")


@dataclass
class Faults:
    rate: float
    kinds: tuple[str, ...]
    rng: random.Random

    def pick(self, method: str) -> str | None:
        if method in _NEVER_FAIL or self.rng.random() >= self.rate:
            return None
        return self.rng.choice(self.kinds)


class SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error
