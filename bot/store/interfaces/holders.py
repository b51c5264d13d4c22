"""Who holds a delivery or a platform call, and whether that process still lives.

On PostgreSQL several replicas share the inbox and the outbox. Each replica is a holder:
the inbox rows it wrote (acknowledged, to be run by it) and the outbox rows it leased
carry its id, and it shows it is alive by holding a lock only a live process can hold
(a session advisory lock, bot/store/pg_holders.py). A replica that dies (`kill -9`, a lost
machine) leaves its rows to the others at once: they find its lock free and take them
over, instead of waiting for a replay pass or a lease to run out. A live holder keeps its
rows however slow it is. SQLite has one process: there is nobody else to hold anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class TakenOver:
    """What `take_over` moved: inbox keys now this process's to run, outbox calls due now."""

    keys: list[str] = field(default_factory=list)
    calls: int = 0


class Holders(Protocol):
    def several(self) -> bool:
        """Whether other processes may hold rows too (PostgreSQL's replicas)."""
    def me(self) -> int | None:
        """This process's holder id, written on the rows it holds; None until it holds
        (its rows are then nobody's, as before holders: a process that never serves, a
        single SQLite process)."""
    def hold(self) -> bool:
        """Show this process alive (taken again after a lost connection); False: not now
        (the database cannot be reached)."""
    def take_over(self, at: str) -> TakenOver:
        """The rows of holders that are gone: their pending inbox rows made this process's,
        their leased outbox rows due at `at`. Rows of a live holder are never touched."""
    def close(self) -> None: ...
