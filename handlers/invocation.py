"""What an adapter hands to the command layer: who typed what, where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Invocation:
    platform: str  # "shell" | "slack" | "teams"
    user_id: str  # the platform's user id (in the shell, the name typed after @)
    text: str  # the command text without the slash command, e.g. "open ZD-1 sev2 ..."
    room_id: str | None = None  # where it was typed; a swarm room makes the case implicit
    user_name: str | None = None
    user_tz: str | None = None  # IANA zone, for "promise 17:00"
