"""What adapters remember across restarts."""

from __future__ import annotations

from typing import Any, Protocol


class PlatformRefs(Protocol):
    """What an adapter must remember across restarts, as (platform, kind, key) -> JSON object
    (e.g. Teams conversation references and 1:1 chats). Nothing here knows any platform."""

    def put(self, platform: str, kind: str, key: str, value: dict[str, Any], at: str
            ) -> None: ...
    def get(self, platform: str, kind: str, key: str) -> dict[str, Any] | None: ...
    def latest(self, platform: str, kind: str) -> dict[str, Any] | None:
        """The value of this kind written most recently."""
