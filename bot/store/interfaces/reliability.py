"""Reliability records: the inbox (before the ack), the outbox (after the commit), and the
marks that make a send happen once (scheduled sends, nudges)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class InboxItem:
    """A delivery received (and acknowledged) but not yet done."""

    key: str
    source: str
    payload: str
    received_at: str


class Inbox(Protocol):
    """Deliveries recorded before they are acknowledged (inbox before ack)."""

    def put(self, key: str, source: str, payload: str, at: str, done: bool = False) -> bool:
        """False when the key was seen before: a redelivery, to be done nothing with.
        `done`: recorded done at once (a read: seen, never run again)."""
    def put_many(self, rows: Sequence[tuple[str, str, str, bool]], at: str) -> list[bool]:
        """`put` of each (key, source, payload, done), in one statement that commits on
        its own outside a transaction (at most 500 rows); a key twice is fresh the first
        time only."""
    def done(self, key: str, at: str) -> None: ...
    def take(self, key: str, at: str) -> bool:
        """Mark a delivery done inside the transaction that runs it, before running it:
        False when it is done already (another replica ran it; one still running it holds
        the row until it commits, and then it is done). A key never put is taken."""
    def fail(self, key: str, error_id: str, at: str) -> None:
        """Its command hit a bug: closed as failed with the error id (never replayed)."""
    def failed_count(self) -> int: ...
    def pending(self, source: str, received_before: str | None = None,
                limit: int | None = None) -> list[InboxItem]:
        """Received, neither done nor failed, oldest first (`received_before`: only those
        received before that time)."""


@dataclass(frozen=True)
class OutboxItem:
    """A platform side effect a command needs, recorded in its transaction, done after it.

    `state` is pending, done or failed; `tries` counts transient failures; `next_at` is
    when it may be tried (again); `result` is what the platform gave back (a room id, a
    message id)."""

    id: int
    case_id: int | None
    platform: str
    kind: str
    payload: dict[str, Any]
    state: str
    tries: int
    next_at: str
    last_error: str | None
    result: dict[str, Any] | None


class Outbox(Protocol):
    """Platform side effects: added in a command's transaction, performed after its commit."""

    def add(self, case_id: int | None, platform: str, kind: str, payload: dict[str, Any],
            at: str) -> int: ...
    def get(self, item_id: int) -> OutboxItem | None: ...
    def due(self, now: str, limit: int = 50, among: Collection[int] | None = None
            ) -> list[OutboxItem]:
        """Pending rows whose `next_at` has come, oldest first; `among`: only these ids."""
    def claim(self, item_id: int, now: str, until: str,
              barriers: Collection[str] = ()) -> bool:
        """Take a due row until `until` (a lease) and count a try; False if it is not due
        (another worker has it), or if it must wait for an earlier pending row of its case:
        a row of a kind in `barriers` waits for all of them, any row for an earlier
        barrier."""
    def take(self, item_id: int, now: str, until: str,
             barriers: Collection[str] = ()) -> OutboxItem | None:
        """`claim`, and the row as it is then (its try counted), in one statement; None
        where `claim` is False."""
    def finish(self, item_id: int, result: dict[str, Any] | None, at: str) -> None: ...
    def later(self, item_id: int, tries: int, next_at: str, error: str | None, at: str
              ) -> None: ...
    def give_up(self, item_id: int, tries: int, error: str, at: str) -> None: ...
    def release(self, at: str) -> int:
        """Every pending row due at `at` (start-up: leases of a killed process end)."""
    def failed(self, case_id: int) -> list[OutboxItem]: ...
    def pending_for(self, case_id: int) -> list[OutboxItem]: ...
    def retry(self, case_id: int, at: str) -> int:
        """Failed rows of a case back to pending, tries reset, and its other pending rows
        due now (they may wait for the failed ones); how many had failed."""
    def counts(self) -> dict[str, int]:
        """Rows per state."""
    def overdue(self, before: str) -> int:
        """Pending rows that should have been tried before `before` (a stuck worker)."""


class SentMarks(Protocol):
    """Once-only sends: the first caller to mark something sends it; a failed send unmarks."""

    def mark(self, kind: str, period: str, destination: str, at: str) -> bool: ...
    def unmark(self, kind: str, period: str, destination: str) -> None: ...
    def marked(self, kind: str, period: str, destination: str) -> bool:
        """Whether it was marked (sent, or being sent) already."""
    def mark_reminded(self, promise_id: int, at: str) -> bool: ...
    def unmark_reminded(self, promise_id: int) -> None: ...


class Nudges(Protocol):
    """Nudges sent: marked before sending (a restart never repeats one), unmarked if the
    platform refuses (the next tick tries again)."""

    def mark(self, kind: str, cause: str, to: str, case_id: int | None, at: str) -> bool:
        """False when this kind of nudge for this cause already went to `to`."""
    def unmark(self, kind: str, cause: str, to: str) -> None: ...
    def breach(self, case_id: int, policy: str, target: str, due_at: str, at: str) -> bool:
        """Record an SLA breach of a case's target due at `due_at`, once (False: it was
        recorded before). No person is recorded: the digest counts breaches per policy."""
    def sent(self, kind: str, cause: str) -> list[str]:
        """Who was nudged of this kind for this cause."""
