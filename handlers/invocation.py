"""Who is asking, from where: what every command run knows about its caller."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Invocation:
    platform: str  # "shell" | "slack" | "teams"
    user_id: str  # the platform's user id (in the shell, the name typed after @)
    room_id: str | None = None  # where it was typed; a swarm room makes the case implicit
    user_name: str | None = None
    user_tz: str | None = None  # IANA zone, for "promise 17:00"
