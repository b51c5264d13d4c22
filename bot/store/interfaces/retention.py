"""Customers' data: redaction, pruning, compaction."""

from __future__ import annotations

from typing import Protocol


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
    def prune_outbox(self, done_before: str) -> int:
        """Delete platform calls done before `done_before` (their payloads quote cases);
        returns how many."""
    def compact(self, probes: list[str] | None = None) -> bool:
        """Give back what redaction freed so redacted text is gone from the files too.
        `probes`: erased texts (`swarmbot erase`); if the files still hold one, they are
        rewritten whole (SQLite: VACUUM; PostgreSQL: VACUUM FULL). True when rewritten.
        Without probes (the scheduler's retention pass) nothing that long runs."""
