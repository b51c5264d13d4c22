"""Repositories added by later issues (once-only sends, nudges, customers' data, the
helpdesk link, search), declared like those in interfaces.py, which re-exports them."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from bot.domain import CaseStatus
from bot.helpdesk import TicketLink, WriteBack


class Retention(Protocol):
    """Customers' data (bot/services/erasure.py): redaction keeps what the digest counts."""

    def cases_of_customer(self, customer: str) -> list[int]:
        """Case ids whose customer is this name, ignoring case."""
    def resolved_before(self, at: str) -> list[int]:
        """Cases resolved before `at` whose text is not redacted yet."""
    def redact(self, case_id: int, marker: str, at: str) -> int:
        """Replace every free text of the case with `marker` (and forget processed inbox
        rows naming it); returns how many rows changed."""
    def prune_inbox(self, done_before: str) -> int:
        """Delete inbox rows processed before `done_before`; returns how many."""
    def compact(self) -> None:
        """Rewrite the storage so redacted text is gone from the files too."""
class Helpdesk(Protocol):
    """Which ticket a case came from, and the helpdesk write-backs owed (issue 11)."""

    def link(self, case_id: int, link: TicketLink, at: str) -> None: ...
    def link_of(self, case_id: int) -> TicketLink | None: ...
    def add_write(self, case_id: int, kind: str, payload: dict[str, Any], at: str) -> int:
        """Record a write-back before it is attempted; its id."""
    def write(self, write_id: int) -> WriteBack | None: ...
    def pending_writes(self) -> list[WriteBack]:
        """Not done yet, oldest first."""
    def attempted(self, write_id: int, error: str | None) -> None: ...
    def done(self, write_id: int, at: str) -> None: ...
class Search(Protocol):
    """Full-text search over what each case says: its summary, what was tried, its notes,
    its decisions and its resolution. Words in, case ids out, best first (BM25 in SQLite,
    ts_rank in PostgreSQL); equal scores put the newest case first. The index follows every
    write in the same transaction."""

    def ranked(self, words: Sequence[str], *, every_word: bool = True,
               status: CaseStatus | None = None, platforms: Sequence[str] = (),
               customer: str | None = None, skill: str | None = None,
               exclude: int | None = None, limit: int = 10, offset: int = 0) -> list[int]:
        """`words` are plain lower-case words (no query syntax). `every_word` asks for cases
        with all of them, else any of them; `platforms` () means every platform; `customer`
        matches whole, regardless of case; `skill` keeps cases that asked for it."""
    def bulk_load(self) -> AbstractContextManager[None]:
        """Cases added inside (the demo's bulk load) are indexed once, on the way out."""


class SentMarks(Protocol):
    """Once-only sends: the first caller to mark something sends it; a failed send unmarks."""

    def mark(self, kind: str, period: str, destination: str, at: str) -> bool: ...
    def unmark(self, kind: str, period: str, destination: str) -> None: ...
    def mark_reminded(self, promise_id: int, at: str) -> bool: ...
    def unmark_reminded(self, promise_id: int) -> None: ...


class Nudges(Protocol):
    """Nudges sent: marked before sending (a restart never repeats one), unmarked if the
    platform refuses (the next tick tries again)."""

    def mark(self, kind: str, cause: str, to: str, case_id: int | None, at: str) -> bool:
        """False when this kind of nudge for this cause already went to `to`."""
    def unmark(self, kind: str, cause: str, to: str) -> None: ...
    def sent(self, kind: str, cause: str) -> list[str]:
        """Who was nudged of this kind for this cause."""
