"""The helpdesk link: a case's ticket and the write-backs owed to it."""

from __future__ import annotations

from typing import Any, Protocol

from bot.helpdesk import TicketLink, WriteBack


class Helpdesk(Protocol):
    """Which ticket a case came from, and the helpdesk write-backs owed (issue 11)."""

    def link(self, case_id: int, link: TicketLink, at: str) -> None: ...
    def link_of(self, case_id: int) -> TicketLink | None: ...
    def add_write(self, case_id: int, kind: str, payload: dict[str, Any], at: str) -> int:
        """Record a write-back before it is attempted; its id."""
    def write(self, write_id: int) -> WriteBack | None: ...
    def pending_writes(self) -> list[WriteBack]:
        """Not done yet, oldest first."""
    def earlier_undone(self, case_id: int, write_id: int) -> bool:
        """Whether an earlier write-back of the case is not done yet (they go in order)."""
    def remember(self, write_id: int, key: str, value: str) -> None:
        """Keep a fact a try learned in the write's payload (a Jira transition's target)."""
    def attempted(self, write_id: int, error: str | None) -> None: ...
    def done(self, write_id: int, at: str) -> None: ...
